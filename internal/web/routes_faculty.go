package web

// facultyRoutes are faculty development training classes and conference delegations.
func (s *Server) facultyRoutes() []route {
	return nil
}

// facultyMenu holds the navigation links of faculty development training classes and conference delegations.
var facultyMenu []menuRule
