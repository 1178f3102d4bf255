package web

import "github.com/meded/meded/internal/account"

// Role groups of the CME routes. Object-level rules (own activity, the
// office's institutions) are in cme_access.go.
var (
	cmeManagers = []account.Role{account.Admin, account.EducationOffice, account.ProjectDirector}
	cmeOffice   = []account.Role{account.Admin, account.EducationOffice}
	cmeReaders  = []account.Role{account.Admin, account.EducationOffice, account.Auditor}
)

// cmeRoutes are the CME project routes (activities, sessions, enrolment,
// attendance, assessment, evaluation, the yearly figures).
func (s *Server) cmeRoutes() []route {
	rs := []route{
		{"GET", "/activities", signedIn, s.activityList},
		{"GET", "/my-sessions", signedIn, s.mySessions},
		{"GET", "/activities/new", rolesOnly(cmeManagers...), s.activityNew},
		{"POST", "/activities", rolesOnly(cmeManagers...), s.activityCreate},
		{"GET", "/activities/{id}", signedIn, s.activityShow},
		{"GET", "/activities/{id}/edit", rolesOnly(cmeManagers...), s.activityEdit},
		{"POST", "/activities/{id}", rolesOnly(cmeManagers...), s.activityUpdate},
		{"POST", "/activities/{id}/sessions", rolesOnly(cmeManagers...), s.sessionCreate},
		{"POST", "/sessions/{id}/cancel", rolesOnly(cmeManagers...), s.sessionCancel},
		{"POST", "/activities/{id}/declarations", rolesOnly(cmeManagers...), s.declarationCreate},
		{"POST", "/activities/{id}/enrol", signedIn, s.enrolSelf},
		{"POST", "/activities/{id}/withdraw", signedIn, s.withdrawPage},
		{"POST", "/activities/{id}/enrolments", rolesOnly(cmeManagers...), s.enrolListPage},
		{"POST", "/activities/{id}/attendance", rolesOnly(cmeManagers...), s.attendancePage},
		{"POST", "/activities/{id}/assessments", rolesOnly(cmeManagers...), s.assessmentPage},
		{"GET", "/activities/{id}/evaluation", signedIn, s.evaluationForm},
		{"POST", "/activities/{id}/evaluation", signedIn, s.evaluationSubmit},
		{"GET", "/activities/{id}/attendance.csv", rolesOnly(cmeManagers...), s.attendanceCSV},
		{"GET", "/activities/{id}/learners.csv", rolesOnly(cmeManagers...), s.learnersCSV},
		{"GET", "/cme/report", rolesOnly(cmeReaders...), s.cmeReport},
		{"GET", "/cme/settings", rolesOnly(cmeOffice...), s.cmeSettings},
		{"POST", "/cme/code-formats", rolesOnly(account.Admin), s.codeFormatSave},
		{"POST", "/cme/questions", rolesOnly(cmeOffice...), s.questionCreate},

		{"GET", "/api/v1/activities", signedIn, s.apiActivityList},
		{"POST", "/api/v1/activities", rolesOnly(cmeManagers...), s.apiActivityCreate},
		{"GET", "/api/v1/activities/{id}", signedIn, s.apiActivityGet},
		{"PUT", "/api/v1/activities/{id}", rolesOnly(cmeManagers...), s.apiActivityUpdate},
		{"GET", "/api/v1/activities/{id}/sessions", signedIn, s.apiSessionList},
		{"POST", "/api/v1/activities/{id}/sessions", rolesOnly(cmeManagers...), s.apiSessionCreate},
		{"POST", "/api/v1/sessions/{id}/cancel", rolesOnly(cmeManagers...), s.apiSessionCancel},
		{"POST", "/api/v1/activities/{id}/declarations", rolesOnly(cmeManagers...), s.apiDeclarationCreate},
		{"POST", "/api/v1/activities/{id}/enrol", signedIn, s.apiEnrolSelf},
		{"POST", "/api/v1/activities/{id}/withdraw", signedIn, s.apiWithdraw},
		{"GET", "/api/v1/activities/{id}/enrolments", rolesOnly(cmeManagers...), s.apiEnrolmentList},
		{"POST", "/api/v1/activities/{id}/enrolments", rolesOnly(cmeManagers...), s.apiEnrolList},
		{"GET", "/api/v1/activities/{id}/attendance", rolesOnly(cmeManagers...), s.apiAttendanceGet},
		{"PUT", "/api/v1/activities/{id}/attendance", rolesOnly(cmeManagers...), s.apiAttendanceSet},
		{"POST", "/api/v1/activities/{id}/assessments", rolesOnly(cmeManagers...), s.apiAssessment},
		{"GET", "/api/v1/activities/{id}/evaluation", rolesOnly(cmeManagers...), s.apiEvaluationSummary},
		{"POST", "/api/v1/activities/{id}/evaluation", signedIn, s.apiEvaluationSubmit},
		{"GET", "/api/v1/cme/report", rolesOnly(cmeReaders...), s.apiCMEReport},
	}
	for _, step := range []string{"submit", "approve", "reject", "reopen", "start", "close", "archive"} {
		rs = append(rs,
			route{"POST", "/activities/{id}/" + step, signedIn, s.transitionPage(step)},
			route{"POST", "/api/v1/activities/{id}/" + step, signedIn, s.apiTransition(step)})
	}
	return rs
}

// cmeMenu are the CME links of the navigation, after Home.
var cmeMenu = []menuRule{
	{"activities", "/activities", nil},
	{"teaching", "/my-sessions", []account.Role{account.Lecturer, account.ProjectDirector}},
	{"cme_report", "/cme/report", cmeReaders},
}
