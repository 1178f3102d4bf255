package web

// partnershipRoutes are the routes of agreements, training bases,
// placements and the partners report.
func (s *Server) partnershipRoutes() []route { return nil }

// partnershipMenu are the partnership links of the navigation.
var partnershipMenu = []menuRule{}
