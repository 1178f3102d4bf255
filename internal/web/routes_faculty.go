package web

import "github.com/meded/meded/internal/account"

// Who keeps faculty development records. The education office runs
// training classes (auditors read them); conference delegations are kept by
// the education office or the partnership office (international conferences
// are often the partnership office's work), and both read the yearly list
// of contributions, as auditors do. Object-level scope (the
// class's or delegation's institution in the office's tree) is checked in
// faculty_access.go; members and participants see their own records.
var (
	classEditors      = []account.Role{account.Admin, account.EducationOffice}
	classReaders      = []account.Role{account.Admin, account.EducationOffice, account.Auditor}
	conferenceEditors = []account.Role{account.Admin, account.EducationOffice, account.PartnershipOffice}
	facultyReaders    = []account.Role{account.Admin, account.EducationOffice, account.PartnershipOffice, account.Auditor}
)

// facultyRoutes are faculty development training classes and conference delegations.
func (s *Server) facultyRoutes() []route {
	read, classRead := rolesOnly(facultyReaders...), rolesOnly(classReaders...)
	classEdit, confEdit := rolesOnly(classEditors...), rolesOnly(conferenceEditors...)
	return []route{
		{"GET", "/faculty/classes", classRead, s.classList},
		{"GET", "/faculty/classes/new", classEdit, s.classNew},
		{"POST", "/faculty/classes", classEdit, s.classCreate},
		{"GET", "/faculty/classes/{id}", signedIn, s.classShow},
		{"GET", "/faculty/classes/{id}/edit", classEdit, s.classEdit},
		{"POST", "/faculty/classes/{id}", classEdit, s.classUpdate},
		{"GET", "/faculty/conferences", read, s.conferenceList},
		{"GET", "/faculty/conferences/new", confEdit, s.conferenceNew},
		{"POST", "/faculty/conferences", confEdit, s.conferenceCreate},
		{"GET", "/faculty/conferences/{id}", signedIn, s.conferenceShow},
		{"GET", "/faculty/conferences/{id}/edit", confEdit, s.conferenceEdit},
		{"POST", "/faculty/conferences/{id}", confEdit, s.conferenceUpdate},
		{"POST", "/faculty/conferences/{id}/members", confEdit, s.memberAddPage},
		{"POST", "/faculty/conferences/{id}/members/remove", confEdit, s.memberRemovePage},
		{"POST", "/faculty/conferences/{id}/leader", confEdit, s.leaderPage},
		{"POST", "/faculty/conferences/{id}/contributions", confEdit, s.contributionAddPage},
		{"POST", "/faculty/contributions/{id}/delete", confEdit, s.contributionDeletePage},
		{"GET", "/faculty/contributions", read, s.contributionReport},
		{"GET", "/faculty/contributions.csv", read, s.contributionCSV},
		{"GET", "/faculty/mine", signedIn, s.facultyMine},

		{"GET", "/api/v1/faculty/classes", classRead, s.apiClassList},
		{"POST", "/api/v1/faculty/classes", classEdit, s.apiClassCreate},
		{"GET", "/api/v1/faculty/classes/{id}", signedIn, s.apiClassGet},
		{"PUT", "/api/v1/faculty/classes/{id}", classEdit, s.apiClassUpdate},
		{"GET", "/api/v1/faculty/conferences", read, s.apiConferenceList},
		{"POST", "/api/v1/faculty/conferences", confEdit, s.apiConferenceCreate},
		{"GET", "/api/v1/faculty/conferences/{id}", signedIn, s.apiConferenceGet},
		{"PUT", "/api/v1/faculty/conferences/{id}", confEdit, s.apiConferenceUpdate},
		{"POST", "/api/v1/faculty/conferences/{id}/members", confEdit, s.apiMemberAdd},
		{"DELETE", "/api/v1/faculty/conferences/{id}/members/{person}", confEdit, s.apiMemberRemove},
		{"PUT", "/api/v1/faculty/conferences/{id}/leader", confEdit, s.apiLeaderSet},
		{"POST", "/api/v1/faculty/conferences/{id}/contributions", confEdit, s.apiContributionAdd},
		{"DELETE", "/api/v1/faculty/contributions/{id}", confEdit, s.apiContributionDelete},
		{"GET", "/api/v1/faculty/contributions", read, s.apiContributionReport},
		{"GET", "/api/v1/faculty/mine", signedIn, s.apiFacultyMine},
	}
}

// facultyMenu holds the navigation links of faculty development training classes and conference delegations.
var facultyMenu = []menuRule{
	{"faculty_classes", "/faculty/classes", classReaders},
	{"faculty_conferences", "/faculty/conferences", facultyReaders},
	{"faculty_mine", "/faculty/mine", []account.Role{account.Learner, account.Lecturer, account.ProjectDirector}},
}
