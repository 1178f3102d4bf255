package web

import "github.com/meded/meded/internal/account"

// seriesRoutes are the regularly scheduled series (weekly lectures) and their calendars.
// Who may do what is checked per series inside the handlers: its office or
// director manage it, the office alone excuses absences, auditors read.
func (s *Server) seriesRoutes() []route {
	managers := rolesOnly(account.Admin, account.EducationOffice, account.ProjectDirector)
	readers := rolesOnly(account.Admin, account.EducationOffice, account.ProjectDirector, account.Auditor)
	office := rolesOnly(account.Admin, account.EducationOffice)
	return []route{
		{"GET", "/series", signedIn, s.seriesList},
		{"POST", "/series/sweep", office, s.seriesSweepPage},
		{"GET", "/series/{id}", signedIn, s.seriesShow},
		{"GET", "/series/{id}/figures.csv", signedIn, s.seriesFiguresCSV},
		{"POST", "/series/{id}/schedule", managers, s.seriesSchedulePage},
		{"POST", "/series/{id}/generate", managers, s.seriesGeneratePage},
		{"POST", "/series/{id}/holidays", managers, s.seriesHolidayAdd},
		{"POST", "/series/{id}/holidays/remove", managers, s.seriesHolidayRemove},
		{"GET", "/series/{id}/rates", readers, s.seriesRates},
		{"POST", "/series/{id}/excuses", office, s.seriesExcusePage},
		{"GET", "/series-sessions/{id}", signedIn, s.seriesSessionShow},
		{"POST", "/series-sessions/{id}", managers, s.seriesSessionUpdate},
		{"POST", "/series-sessions/{id}/cancel", managers, s.seriesSessionCancel},
		{"POST", "/series-sessions/{id}/attendance", managers, s.seriesAttendancePage},

		{"GET", "/series/{id}/calendar.ics", public, s.seriesFeed},
		{"GET", "/institutions/{id}/calendar.ics", public, s.institutionFeed},
		{"GET", "/calendar/{token}", public, s.personalFeed},
		{"GET", "/profile/calendar", signedIn, s.myCalendar},
		{"POST", "/profile/calendar/reset", signedIn, s.resetCalendar},

		{"GET", "/api/v1/series", signedIn, s.apiSeriesList},
		{"POST", "/api/v1/series/sweep", office, s.apiSeriesSweep},
		{"GET", "/api/v1/series/{id}", signedIn, s.apiSeriesGet},
		{"PUT", "/api/v1/series/{id}/schedule", managers, s.apiSeriesSchedule},
		{"POST", "/api/v1/series/{id}/generate", managers, s.apiSeriesGenerate},
		{"GET", "/api/v1/series/{id}/figures", signedIn, s.apiSeriesFigures},
		{"GET", "/api/v1/series/{id}/rates", readers, s.apiSeriesRates},
		{"POST", "/api/v1/series/{id}/excuses", office, s.apiSeriesExcuse},
		{"POST", "/api/v1/series/{id}/holidays", managers, s.apiSeriesHolidayAdd},
		{"DELETE", "/api/v1/series/{id}/holidays/{day}", managers, s.apiSeriesHolidayRemove},
		{"PUT", "/api/v1/series-sessions/{id}", managers, s.apiSeriesSessionUpdate},
		{"POST", "/api/v1/series-sessions/{id}/attendance", managers, s.apiSeriesAttendance},
	}
}

// seriesMenu holds the navigation links of the regularly scheduled series (weekly lectures) and their calendars.
// The personal calendar is reached from the profile page and each series page,
// which keeps the menu short on a phone.
var seriesMenu = []menuRule{
	{"series", "/series", nil},
}
