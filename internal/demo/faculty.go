package demo

// loadFaculty records faculty development training classes and conference delegations.
func (b *builder) loadFaculty() error {
	return nil
}
