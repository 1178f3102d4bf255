package web

// checkinRoutes are live check-in: projector codes, the learner check-in page and the kiosk.
func (s *Server) checkinRoutes() []route {
	return nil
}

// checkinMenu holds the navigation links of live check-in: projector codes, the learner check-in page and the kiosk.
var checkinMenu []menuRule
