package web

// seriesRoutes are the regularly scheduled series (weekly lectures) and their calendars.
func (s *Server) seriesRoutes() []route {
	return nil
}

// seriesMenu holds the navigation links of the regularly scheduled series (weekly lectures) and their calendars.
var seriesMenu []menuRule
