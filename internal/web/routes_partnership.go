package web

import "github.com/meded/meded/internal/account"

// Who reads and who changes agreements, bases, placements and the partners
// report. Object-level scope (a party, host or person in the office's
// institution tree) is checked by the handlers.
var (
	partnershipReaders = []account.Role{account.Admin, account.PartnershipOffice, account.Auditor}
	partnershipEditors = []account.Role{account.Admin, account.PartnershipOffice}
)

// partnershipRoutes are the routes of agreements, training bases,
// placements and the partners report.
func (s *Server) partnershipRoutes() []route {
	read, edit := rolesOnly(partnershipReaders...), rolesOnly(partnershipEditors...)
	return []route{
		{"GET", "/agreements", read, s.agreementList},
		{"GET", "/agreements/expiring.ics", read, s.agreementExpiringICS},
		{"GET", "/agreements/new", edit, s.agreementNew},
		{"POST", "/agreements", edit, s.agreementCreate},
		{"GET", "/agreements/{id}", read, s.agreementShow},
		{"GET", "/agreements/{id}/edit", edit, s.agreementEdit},
		{"POST", "/agreements/{id}", edit, s.agreementUpdate},
		{"POST", "/agreements/{id}/status", edit, s.agreementStatus},
		{"POST", "/agreements/{id}/renew", edit, s.agreementRenew},
		{"POST", "/agreements/{id}/meetings", edit, s.meetingCreate},
		{"POST", "/agreements/{id}/placements", edit, s.placementCreate},
		{"POST", "/agreements/{id}/documents", edit, s.agreementDocumentUpload},
		{"GET", "/agreements/{id}/documents/{doc}", read, s.agreementDocument},
		{"GET", "/placements", read, s.placementList},
		{"POST", "/placements/{id}/status", edit, s.placementStatus},
		{"POST", "/placements/{id}/evaluation", edit, s.placementEvaluate},
		{"GET", "/partners", read, s.partnersPage},
		{"GET", "/partners.csv", read, s.partnersCSV},

		{"GET", "/api/v1/agreements", read, s.apiAgreementList},
		{"POST", "/api/v1/agreements", edit, s.apiAgreementCreate},
		{"GET", "/api/v1/agreements/{id}", read, s.apiAgreementGet},
		{"PUT", "/api/v1/agreements/{id}", edit, s.apiAgreementUpdate},
		{"POST", "/api/v1/agreements/{id}/status", edit, s.apiAgreementStatus},
		{"POST", "/api/v1/agreements/{id}/renew", edit, s.apiAgreementRenew},
		{"GET", "/api/v1/agreements/{id}/meetings", read, s.apiMeetingList},
		{"POST", "/api/v1/agreements/{id}/meetings", edit, s.apiMeetingCreate},
		{"GET", "/api/v1/placements", read, s.apiPlacementList},
		{"POST", "/api/v1/placements", edit, s.apiPlacementCreate},
		{"POST", "/api/v1/placements/{id}/status", edit, s.apiPlacementStatus},
		{"POST", "/api/v1/placements/{id}/evaluation", edit, s.apiPlacementEvaluate},
		{"GET", "/api/v1/reports/partners", read, s.apiPartnersReport},
	}
}

// partnershipMenu are the partnership links of the navigation.
var partnershipMenu = []menuRule{
	{"agreements", "/agreements", partnershipReaders},
	{"placements", "/placements", partnershipReaders},
	{"partners", "/partners", partnershipReaders},
}
