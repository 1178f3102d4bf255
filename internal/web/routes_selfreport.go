package web

import "github.com/meded/meded/internal/account"

// selfReportReviewers may open the review queue: the admin and the offices
// review, auditors read. Scope is checked per report (selfreports.go).
var selfReportReviewers = []account.Role{account.Admin, account.EducationOffice, account.Auditor}

// selfReportRoutes are self-reported credits with evidence files and their review.
func (s *Server) selfReportRoutes() []route {
	review := rolesOnly(account.Admin, account.EducationOffice)
	return []route{
		{"GET", "/self-reports", signedIn, s.mySelfReports},
		{"GET", "/self-reports/new", signedIn, s.selfReportNew},
		{"POST", "/self-reports", signedIn, s.selfReportSubmit},
		{"GET", "/self-reports/{id}", signedIn, s.selfReportShow},
		{"GET", "/self-reports/{id}/documents/{doc}", signedIn, s.selfReportDocument},
		{"POST", "/self-reports/{id}/withdraw", signedIn, s.selfReportWithdraw},
		{"POST", "/self-reports/{id}/approve", review, s.selfReportApprove},
		{"POST", "/self-reports/{id}/reject", review, s.selfReportReject},
		{"GET", "/self-report-queue", rolesOnly(selfReportReviewers...), s.selfReportQueue},

		{"GET", "/api/v1/self-reports", signedIn, s.apiSelfReports},
		{"POST", "/api/v1/self-reports", signedIn, s.apiSelfReportSubmit},
		{"POST", "/api/v1/self-reports/preview", signedIn, s.apiSelfReportPreview},
		{"GET", "/api/v1/self-reports/{id}", signedIn, s.apiSelfReport},
		{"GET", "/api/v1/self-reports/{id}/documents/{doc}", signedIn, s.selfReportDocument},
		{"POST", "/api/v1/self-reports/{id}/withdraw", signedIn, s.apiSelfReportWithdraw},
		{"POST", "/api/v1/self-reports/{id}/approve", review, s.apiSelfReportApprove},
		{"POST", "/api/v1/self-reports/{id}/reject", review, s.apiSelfReportReject},
	}
}

// selfReportMenu: everyone with a credit file reports their own work; the
// queue is for those who review or audit it.
var selfReportMenu = []menuRule{
	{"selfreports", "/self-reports", nil},
	{"selfreport_queue", "/self-report-queue", selfReportReviewers},
}
