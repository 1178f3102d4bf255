package web

// cmeRoutes are the CME project routes (activities, sessions, enrolment,
// attendance, assessment, evaluation).
func (s *Server) cmeRoutes() []route { return nil }

// cmeMenu are the CME links of the navigation, after Home.
var cmeMenu = []menuRule{}
