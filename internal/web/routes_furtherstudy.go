package web

// furtherStudyRoutes are further-study trainees: applications, review, placement and evaluations.
func (s *Server) furtherStudyRoutes() []route {
	return nil
}

// furtherStudyMenu holds the navigation links of further-study trainees: applications, review, placement and evaluations.
var furtherStudyMenu []menuRule
