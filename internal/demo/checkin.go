package demo

// loadCheckIn records live check-in: projector codes, the learner check-in page and the kiosk.
func (b *builder) loadCheckIn() error {
	return nil
}
