package web

import "github.com/meded/meded/internal/account"

// creditRoutes are the credit file (transcript, standing, manual credits and
// reversals) and the rule sets.
func (s *Server) creditRoutes() []route {
	ruleReaders := rolesOnly(account.Admin, account.EducationOffice, account.Auditor)
	return []route{
		{"GET", "/credits", signedIn, s.myCredits},
		{"GET", "/people/{id}/credits", signedIn, s.creditFile},
		{"POST", "/people/{id}/credits", rolesOnly(account.Admin, account.EducationOffice), s.manualCredit},
		{"POST", "/credits/{id}/reverse", rolesOnly(account.Admin, account.EducationOffice), s.reverseCredit},
		{"POST", "/people/{id}/exemptions", rolesOnly(account.Admin, account.EducationOffice), s.exemptPage},
		{"POST", "/people/{id}/cycles", rolesOnly(account.Admin, account.EducationOffice), s.addCyclePage},
		{"GET", "/compliance", rolesOnly(complianceReaders...), s.compliance},
		{"GET", "/compliance.csv", rolesOnly(complianceReaders...), s.complianceCSV},
		{"GET", "/rules", ruleReaders, s.ruleSets},
		{"GET", "/rules/{id}", ruleReaders, s.ruleSet},
		{"POST", "/rules/{id}", rolesOnly(account.Admin), s.saveRuleSet},
		{"POST", "/rules-assignments", rolesOnly(account.Admin), s.assignRuleSet},

		{"GET", "/api/v1/people/{id}/credits", signedIn, s.apiCreditFile},
		{"POST", "/api/v1/people/{id}/credits", rolesOnly(account.Admin, account.EducationOffice), s.apiManualCredit},
		{"POST", "/api/v1/credits/{id}/reverse", rolesOnly(account.Admin, account.EducationOffice), s.apiReverseCredit},
		{"POST", "/api/v1/credits/import", rolesOnly(account.Admin, account.EducationOffice), s.apiImportCredits},
		{"POST", "/api/v1/people/{id}/exemptions", rolesOnly(account.Admin, account.EducationOffice), s.apiExempt},
		{"POST", "/api/v1/people/{id}/cycles", rolesOnly(account.Admin, account.EducationOffice), s.apiAddCycle},
		{"GET", "/api/v1/compliance", rolesOnly(complianceReaders...), s.apiCompliance},
		{"GET", "/api/v1/rules", ruleReaders, s.apiRuleSets},
		{"GET", "/api/v1/rules/{id}", ruleReaders, s.apiRuleSet},
		{"PUT", "/api/v1/rules/{id}", rolesOnly(account.Admin), s.apiSaveRuleSet},
		{"POST", "/api/v1/rules-assignments", rolesOnly(account.Admin), s.apiAssignRuleSet},
	}
}

// creditMenu: every signed-in person has a credit file; the rule sets are
// for the admin and the offices that apply them.
var creditMenu = []menuRule{
	{"credits", "/credits", nil},
	{"compliance", "/compliance", complianceReaders},
	{"rules", "/rules", []account.Role{account.Admin, account.EducationOffice, account.Auditor}},
}
