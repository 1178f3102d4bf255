package demo

// loadSeries records the regularly scheduled series (weekly lectures) and their calendars.
func (b *builder) loadSeries() error {
	return nil
}
