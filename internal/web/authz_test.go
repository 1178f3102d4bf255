package web_test

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var recordAuthz = flag.Bool("record-authz", false, "print the observed status table (for drafting rows, which are then checked by hand)")

// authzRoles is the column order of testdata/authz.txt.
var authzRoles = []string{"anonymous", "admin", "education_office", "department_reviewer", "project_director",
	"lecturer", "partnership_office", "learner", "auditor"}

type authzRow struct {
	file          string
	line          int
	method, route string
	path, body    string
	want          []int
}

// loadAuthzTable reads testdata/authz*.txt: the core table and one per domain.
func loadAuthzTable(t *testing.T) []authzRow {
	t.Helper()
	names, err := filepath.Glob("testdata/authz*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no authorization tables: %v", err)
	}
	var rows []authzRow
	for _, name := range names {
		rows = append(rows, loadAuthzFile(t, name)...)
	}
	return rows
}

func loadAuthzFile(t *testing.T, name string) []authzRow {
	t.Helper()
	file, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var rows []authzRow
	sc := bufio.NewScanner(file)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 4+len(authzRoles) {
			t.Fatalf("%s:%d: want METHOD PATTERN PATH BODY and %d statuses, got %d fields", name, n, len(authzRoles), len(fields))
		}
		row := authzRow{file: filepath.Base(name), line: n, method: fields[0], route: fields[1], path: fields[2], body: fields[3]}
		for _, s := range fields[4:] {
			code, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("%s:%d: status %q: %v", name, n, s, err)
			}
			row.want = append(row.want, code)
		}
		rows = append(rows, row)
	}
	return rows
}

// TestAuthorizationTable drives every route as every role (and nobody) and
// compares the status with the hand-written table; a route without a row fails.
func TestAuthorizationTable(t *testing.T) {
	rows := loadAuthzTable(t)
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.method+" "+r.route] = true
	}
	f := sqliteFixture(t)
	known := map[string]bool{}
	for _, rt := range f.server.Routes() {
		key := rt.Method + " " + rt.Pattern
		known[key] = true
		if !covered[key] {
			t.Errorf("route %s has no row in testdata/authz*.txt", key)
		}
	}
	for key := range covered {
		if !known[key] {
			t.Errorf("testdata/authz*.txt names %s, which is not a route", key)
		}
	}
	var mu sync.Mutex
	got := make([][]int, len(rows))
	for i := range got {
		got[i] = make([]int, len(authzRoles))
	}
	for col, role := range authzRoles {
		t.Run(role, func(t *testing.T) {
			t.Parallel()
			rf := sqliteFixture(t) // each role on its own data, so one role's changes never decide another's answer
			for i, row := range rows {
				ctype, body := "", ""
				switch row.body {
				case "form":
					ctype = "application/x-www-form-urlencoded"
				case "json":
					ctype, body = "application/json", "{}"
				}
				resp := rf.do(role, row.method, row.path, ctype, body)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				got[i][col] = resp.StatusCode
				mu.Unlock()
				if !*recordAuthz && resp.StatusCode != row.want[col] {
					t.Errorf("%s:%d %s %s as %s: got %d, want %d", row.file, row.line, row.method, row.path, role, resp.StatusCode, row.want[col])
				}
			}
		})
	}
	t.Cleanup(func() {
		if !*recordAuthz {
			return
		}
		for i, row := range rows {
			codes := make([]string, len(got[i]))
			for j, c := range got[i] {
				codes[j] = strconv.Itoa(c)
			}
			fmt.Printf("%-7s %-42s %-44s %-4s %s\n", row.method, row.route, row.path, row.body, strings.Join(codes, " "))
		}
	})
}
