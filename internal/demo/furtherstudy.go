package demo

// loadFurtherStudy records further-study trainees: applications, review, placement and evaluations.
func (b *builder) loadFurtherStudy() error {
	return nil
}
