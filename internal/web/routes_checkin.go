package web

import "github.com/meded/meded/internal/account"

// Role groups of live check-in. Object-level rules (the session's own
// lecturer, the activity's director, the office over the organiser) are in
// checkin_access.go.
var (
	checkinShowers  = []account.Role{account.Admin, account.EducationOffice, account.ProjectDirector, account.Lecturer}
	checkinManagers = []account.Role{account.Admin, account.EducationOffice, account.ProjectDirector}
	checkinReaders  = []account.Role{account.Admin, account.EducationOffice, account.ProjectDirector, account.Lecturer, account.Auditor}
)

// checkinRoutes are live check-in: projector codes, the learner check-in page and the kiosk.
func (s *Server) checkinRoutes() []route {
	return []route{
		{"GET", "/c/{token}", public, s.checkinQR},
		{"GET", "/checkin", signedIn, s.checkinForm},
		{"POST", "/checkin", signedIn, s.checkinCode},
		{"GET", "/checkin/t/{ticket}", signedIn, s.checkinTicketForm},
		{"POST", "/checkin/t/{ticket}", signedIn, s.checkinTicket},
		{"GET", "/me/badge", signedIn, s.badgePage},
		{"GET", "/me/badge.svg", signedIn, s.badgeSVG},
		{"GET", "/checkin/sessions/{id}", rolesOnly(checkinReaders...), s.checkinSessionPage},
		{"POST", "/checkin/sessions/{id}/settings", rolesOnly(checkinManagers...), s.checkinSettingsSave},
		{"GET", "/checkin/sessions/{id}/projector", rolesOnly(checkinShowers...), s.projectorPage},
		{"GET", "/checkin/sessions/{id}/qr.svg", rolesOnly(checkinShowers...), s.projectorQR},
		{"GET", "/checkin/sessions/{id}/kiosk", rolesOnly(checkinManagers...), s.kioskPage},
		{"POST", "/checkin/sessions/{id}/kiosk", rolesOnly(checkinManagers...), s.kioskScan},

		{"POST", "/api/v1/checkin", signedIn, s.apiCheckin},
		{"GET", "/api/v1/checkin/sessions/{id}/live", rolesOnly(checkinShowers...), s.apiCheckinLive},
		{"GET", "/api/v1/checkin/sessions/{id}/attendance", rolesOnly(checkinReaders...), s.apiCheckinAttendance},
		{"GET", "/api/v1/checkin/sessions/{id}/settings", rolesOnly(checkinReaders...), s.apiCheckinSettings},
		{"PUT", "/api/v1/checkin/sessions/{id}/settings", rolesOnly(checkinManagers...), s.apiCheckinSettingsSave},
		{"POST", "/api/v1/checkin/sessions/{id}/kiosk", rolesOnly(checkinManagers...), s.apiKiosk},
	}
}

// checkinMenu holds the navigation links of live check-in: projector codes, the learner check-in page and the kiosk.
var checkinMenu = []menuRule{
	{"checkin", "/checkin", nil},
}
