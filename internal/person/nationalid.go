package person

import "strings"

// NormalizeNationalID trims an ID number, drops the spaces people type to
// group its digits, and upper-cases it (the check character X is often typed x).
func NormalizeNationalID(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ValidNationalID reports whether a normalized ID is empty, a mainland
// resident ID (18 characters whose last is an ISO 7064 MOD 11-2 check
// character), or passport-like: 6 to 20 ASCII letters and digits. Seventeen
// digits and one more character are always read as a mainland ID, so a
// mistyped one is refused rather than taken for a passport.
func ValidNationalID(s string) bool {
	if s == "" {
		return true
	}
	if len(s) == 18 && allDigits(s[:17]) {
		return s[17] == mainlandCheck(s[:17])
	}
	if len(s) < 6 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// mainlandCheck computes the check character of the 17 digits of a mainland
// ID (GB 11643-1999).
func mainlandCheck(digits string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
