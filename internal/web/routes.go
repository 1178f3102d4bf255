package web

import "github.com/meded/meded/internal/account"

// routeTable lists every route with its access rule. The authorization test
// holds its own hand-written expectations for each of them.
func (s *Server) routeTable() []route {
	routes := s.coreRoutes()
	routes = append(routes, s.cmeRoutes()...)
	routes = append(routes, s.partnershipRoutes()...)
	routes = append(routes, s.creditRoutes()...)
	routes = append(routes, s.seriesRoutes()...)
	routes = append(routes, s.checkinRoutes()...)
	routes = append(routes, s.facultyRoutes()...)
	routes = append(routes, s.furtherStudyRoutes()...)
	routes = append(routes, s.selfReportRoutes()...)
	return routes
}

func (s *Server) coreRoutes() []route {
	return []route{
		{"GET", "/healthz", public, s.healthz},
		{"GET", "/readyz", public, s.readyz},
		{"GET", "/metrics", public, s.metricsPage},

		{"GET", "/login", public, s.loginForm},
		{"POST", "/login", public, s.login},
		{"POST", "/logout", signedIn, s.logout},
		{"POST", "/language", public, s.chooseLanguage},
		{"GET", "/register", public, s.registerForm},
		{"POST", "/register", public, s.register},
		{"GET", "/reset/{token}", public, s.resetForm},
		{"POST", "/reset/{token}", public, s.reset},

		{"GET", "/{$}", signedIn, s.dashboard},
		{"GET", "/profile", signedIn, s.profile},
		{"POST", "/profile/password", signedIn, s.changePassword},
		{"POST", "/profile/tokens", signedIn, s.createTokenPage},
		{"POST", "/profile/tokens/{id}/revoke", signedIn, s.revokeTokenPage},

		{"GET", "/institutions", rolesOnly(staffRoles...), s.institutionList},
		{"GET", "/institutions/new", rolesOnly(institutionEditors...), s.institutionNew},
		{"POST", "/institutions", rolesOnly(institutionEditors...), s.institutionCreate},
		{"GET", "/institutions/{id}", rolesOnly(staffRoles...), s.institutionShow},
		{"GET", "/institutions/{id}/edit", rolesOnly(institutionEditors...), s.institutionEdit},
		{"POST", "/institutions/{id}", rolesOnly(institutionEditors...), s.institutionUpdate},
		{"POST", "/institutions/{id}/departments", rolesOnly(account.Admin, account.EducationOffice), s.departmentCreate},

		{"GET", "/people", rolesOnly(peopleReaders...), s.personList},
		{"GET", "/people/new", rolesOnly(peopleEditors...), s.personNew},
		{"POST", "/people", rolesOnly(peopleEditors...), s.personCreate},
		{"GET", "/people/{id}", signedIn, s.personShow},
		{"GET", "/people/{id}/edit", rolesOnly(peopleEditors...), s.personEdit},
		{"POST", "/people/{id}", rolesOnly(peopleEditors...), s.personUpdate},
		{"POST", "/people/{id}/merge", rolesOnly(peopleEditors...), s.personMerge},

		{"GET", "/accounts", rolesOnly(accountManagers...), s.accountList},
		{"GET", "/accounts/new", rolesOnly(accountManagers...), s.accountNew},
		{"POST", "/accounts", rolesOnly(accountManagers...), s.accountCreate},
		{"POST", "/accounts/bulk", rolesOnly(accountManagers...), s.accountBulk},
		{"GET", "/accounts/{id}", rolesOnly(accountManagers...), s.accountShow},
		{"POST", "/accounts/{id}/grants", rolesOnly(accountManagers...), s.grantAdd},
		{"POST", "/accounts/{id}/grants/{grant}/delete", rolesOnly(accountManagers...), s.grantRemove},
		{"POST", "/accounts/{id}/reset-link", rolesOnly(accountManagers...), s.resetLink},
		{"POST", "/accounts/{id}/disabled", rolesOnly(accountManagers...), s.accountDisable},

		{"GET", "/registrations", rolesOnly(accountManagers...), s.registrationList},
		{"POST", "/registrations/{id}/approve", rolesOnly(accountManagers...), s.registrationApprove},
		{"POST", "/registrations/{id}/reject", rolesOnly(accountManagers...), s.registrationReject},

		{"GET", "/audit", rolesOnly(auditReaders...), s.auditList},

		{"GET", "/api/v1/openapi.json", public, s.openAPI},
		{"GET", "/api/v1/me", signedIn, s.apiMe},
		{"GET", "/api/v1/institutions", rolesOnly(staffRoles...), s.apiInstitutionList},
		{"POST", "/api/v1/institutions", rolesOnly(institutionEditors...), s.apiInstitutionCreate},
		{"GET", "/api/v1/institutions/{id}", rolesOnly(staffRoles...), s.apiInstitutionGet},
		{"PUT", "/api/v1/institutions/{id}", rolesOnly(institutionEditors...), s.apiInstitutionUpdate},
		{"GET", "/api/v1/institutions/{id}/departments", rolesOnly(staffRoles...), s.apiDepartmentList},
		{"POST", "/api/v1/institutions/{id}/departments", rolesOnly(account.Admin, account.EducationOffice), s.apiDepartmentCreate},
		{"GET", "/api/v1/people", rolesOnly(peopleReaders...), s.apiPersonList},
		{"POST", "/api/v1/people", rolesOnly(peopleEditors...), s.apiPersonCreate},
		{"GET", "/api/v1/people/{id}", signedIn, s.apiPersonGet},
		{"PUT", "/api/v1/people/{id}", rolesOnly(peopleEditors...), s.apiPersonUpdate},
		{"POST", "/api/v1/people/{id}/merge", rolesOnly(peopleEditors...), s.apiPersonMerge},
		{"GET", "/api/v1/accounts", rolesOnly(accountManagers...), s.apiAccountList},
		{"POST", "/api/v1/accounts", rolesOnly(accountManagers...), s.apiAccountCreate},
		{"GET", "/api/v1/accounts/{id}", rolesOnly(accountManagers...), s.apiAccountGet},
		{"POST", "/api/v1/accounts/{id}/grants", rolesOnly(accountManagers...), s.apiGrantAdd},
		{"DELETE", "/api/v1/accounts/{id}/grants/{grant}", rolesOnly(accountManagers...), s.apiGrantRemove},
		{"GET", "/api/v1/tokens", signedIn, s.apiTokenList},
		{"POST", "/api/v1/tokens", signedIn, s.apiTokenCreate},
		{"DELETE", "/api/v1/tokens/{id}", signedIn, s.apiTokenRevoke},
		{"GET", "/api/v1/registrations", rolesOnly(accountManagers...), s.apiRegistrationList},
		{"POST", "/api/v1/registrations/{id}/approve", rolesOnly(accountManagers...), s.apiRegistrationApprove},
		{"POST", "/api/v1/registrations/{id}/reject", rolesOnly(accountManagers...), s.apiRegistrationReject},
		{"GET", "/api/v1/audit", rolesOnly(auditReaders...), s.apiAuditList},
	}
}
