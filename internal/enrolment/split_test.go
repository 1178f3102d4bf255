package enrolment

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Z00001\nZ00002\r\n\n", []string{"Z00001", "Z00002"}},
		{"张伟, 13805710001；李娜\tZ00003", []string{"张伟", "13805710001", "李娜", "Z00003"}},
		{" ,; ", nil},
	}
	for _, tt := range tests {
		if got := SplitList(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SplitList(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSplitList(f *testing.F) {
	f.Add("Z00001\nZ00002")
	f.Add("张伟，李娜;王芳")
	f.Fuzz(func(t *testing.T, s string) {
		for _, id := range SplitList(s) {
			if id == "" || id != strings.TrimSpace(id) || strings.ContainsAny(id, "\n\r,;\t") {
				t.Fatalf("%q yields %q", s, id)
			}
		}
	})
}
