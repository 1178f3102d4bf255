package demo

// loadCME records the Hangzhou hospital's CME projects, sessions, enrolments
// and attendance.
func (b *builder) loadCME() error { return nil }
