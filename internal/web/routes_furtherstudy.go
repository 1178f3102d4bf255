package web

import "github.com/meded/meded/internal/account"

// Who runs further study: the education office of the host institution
// (and the admin) accepts, records arrival and completion; the department
// reviewer of the host department reviews applications first; auditors
// read. Trainees apply and follow their own applications, supervisors
// evaluate their trainees' months: those checks are per application, in
// the handlers.
var (
	furtherStudyOffices = []account.Role{account.Admin, account.EducationOffice}
	furtherStudyReaders = []account.Role{account.Admin, account.EducationOffice, account.DepartmentReviewer, account.Auditor}
)

// furtherStudyRoutes are further-study trainees: applications, review, placement and evaluations.
func (s *Server) furtherStudyRoutes() []route {
	office, read := rolesOnly(furtherStudyOffices...), rolesOnly(furtherStudyReaders...)
	review := rolesOnly(account.Admin, account.DepartmentReviewer)
	return []route{
		{"GET", "/further-study", signedIn, s.furtherStudyList},
		{"GET", "/further-study/apply", signedIn, s.furtherStudyApplyForm},
		{"POST", "/further-study/apply", signedIn, s.furtherStudyApply},
		{"GET", "/further-study/new", office, s.furtherStudyNew},
		{"POST", "/further-study", office, s.furtherStudyCreate},
		{"GET", "/further-study/report", read, s.furtherStudyReport},
		{"GET", "/further-study/report.csv", read, s.furtherStudyReportCSV},
		{"GET", "/further-study/{id}", signedIn, s.furtherStudyShow},
		{"POST", "/further-study/{id}/department-review", review, s.furtherStudyStep("department-review")},
		{"POST", "/further-study/{id}/reject", office, s.furtherStudyStep("reject")},
		{"POST", "/further-study/{id}/accept", office, s.furtherStudyStep("accept")},
		{"POST", "/further-study/{id}/arrive", office, s.furtherStudyStep("arrive")},
		{"POST", "/further-study/{id}/evaluations", signedIn, s.furtherStudyStep("evaluate")},
		{"POST", "/further-study/{id}/complete", office, s.furtherStudyStep("complete")},
		{"POST", "/further-study/{id}/withdraw", signedIn, s.furtherStudyStep("withdraw")},

		{"GET", "/api/v1/further-study", signedIn, s.apiFurtherStudyList},
		{"POST", "/api/v1/further-study", signedIn, s.apiFurtherStudyCreate},
		{"GET", "/api/v1/further-study/{id}", signedIn, s.apiFurtherStudyGet},
		{"GET", "/api/v1/further-study/{id}/evaluations", signedIn, s.apiFurtherStudyEvaluations},
		{"POST", "/api/v1/further-study/{id}/department-review", review, s.apiFurtherStudyStep("department-review")},
		{"POST", "/api/v1/further-study/{id}/reject", office, s.apiFurtherStudyStep("reject")},
		{"POST", "/api/v1/further-study/{id}/accept", office, s.apiFurtherStudyStep("accept")},
		{"POST", "/api/v1/further-study/{id}/arrive", office, s.apiFurtherStudyStep("arrive")},
		{"POST", "/api/v1/further-study/{id}/evaluations", signedIn, s.apiFurtherStudyStep("evaluate")},
		{"POST", "/api/v1/further-study/{id}/complete", office, s.apiFurtherStudyStep("complete")},
		{"POST", "/api/v1/further-study/{id}/withdraw", signedIn, s.apiFurtherStudyStep("withdraw")},
		{"GET", "/api/v1/reports/further-study", read, s.apiFurtherStudyReport},
	}
}

// furtherStudyMenu holds the navigation links of further-study trainees: applications, review, placement and evaluations.
var furtherStudyMenu = []menuRule{
	{"further_study", "/further-study", nil},
	{"further_study_report", "/further-study/report", furtherStudyReaders},
}
