package web

// selfReportRoutes are self-reported credits with evidence files and their review.
func (s *Server) selfReportRoutes() []route {
	return nil
}

// selfReportMenu holds the navigation links of self-reported credits with evidence files and their review.
var selfReportMenu []menuRule
