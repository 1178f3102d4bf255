package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// What CreateForPeople uses as each new account's login.
const (
	LoginByStaffNumber = "staff_number" // the staff number, as username
	LoginByPhone       = "phone"
	LoginByEmail       = "email"
)

// LoginByChoices lists the logins CreateForPeople can use.
var LoginByChoices = []string{LoginByStaffNumber, LoginByPhone, LoginByEmail}

// Reasons (translation keys) why CreateForPeople skipped a person.
const (
	SkipNotFound     = "bulk.not_found"     // no such person
	SkipHasAccount   = "bulk.has_account"   // the person has an account already
	SkipNoLogin      = "bulk.no_login"      // the person has no staff number/phone/email
	SkipInvalidLogin = "bulk.invalid_login" // it is not a valid username/phone/email
	SkipLoginTaken   = "bulk.login_taken"   // another account (or person in the batch) uses it
)

// BulkResult reports one person of CreateForPeople: the new account with
// its login and one-time initial password, or why the person was skipped.
type BulkResult struct {
	PersonID        int64  `json:"person_id"`
	AccountID       int64  `json:"account_id"`
	Login           string `json:"login"`
	InitialPassword string `json:"initial_password"`
	Skipped         string `json:"skipped"`
}

// CreateForPeople makes accounts for people (imported or selected) with
// DefaultHasher; see CreateForPeopleWith.
func CreateForPeople(ctx context.Context, tx *store.Tx, actor audit.Actor, personIDs []int64, loginBy string, grant Grant) ([]BulkResult, error) {
	return CreateForPeopleWith(ctx, tx, actor, DefaultHasher, personIDs, loginBy, grant)
}

// CreateForPeopleWith plans and applies in one transaction. Callers with
// many people should call PlanForPeople before opening the transaction, so
// the slow hashing does not hold SQLite's single writer.
func CreateForPeopleWith(ctx context.Context, tx *store.Tx, actor audit.Actor, h Hasher, personIDs []int64, loginBy string, grant Grant) ([]BulkResult, error) {
	plan, err := PlanForPeople(ctx, tx, h, personIDs, loginBy, grant)
	if err != nil {
		return nil, err
	}
	return plan.Apply(ctx, tx, actor)
}

// BulkPlan is the reading and hashing half of a bulk creation: who gets
// which login and one-time password, hashed already.
type BulkPlan struct {
	results []BulkResult
	todo    []Account // the accounts to insert, parallel to todoAt and hashes
	todoAt  []int     // index into results of each account to insert
	hashes  []string
}

// PlanForPeople decides an account for each person, in order, logging in
// by loginBy, with grant and a readable one-time password that must be
// changed at first login. People who already have an account, lack that
// identifier, or whose identifier another account uses are skipped with a
// reason. It reads through q and writes nothing; passwords are hashed with h
// on GOMAXPROCS goroutines. The initial passwords exist only in the result.
func PlanForPeople(ctx context.Context, q store.Querier, h Hasher, personIDs []int64, loginBy string, grant Grant) (*BulkPlan, error) {
	var es validate.Errors
	es.OneOf("login_by", loginBy, LoginByChoices)
	if err := checkGrant(ctx, q, &grant, "", &es); err != nil {
		return nil, err
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	people, err := loadBulkPeople(ctx, q, personIDs)
	if err != nil {
		return nil, err
	}
	plan := &BulkPlan{}
	seen := map[int64]bool{}
	logins := map[string]bool{}
	for _, id := range personIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		r := BulkResult{PersonID: id}
		p, ok := people[id]
		a := Account{PersonID: id, MustChangePassword: true, Grants: []Grant{grant}}
		switch {
		case !ok:
			r.Skipped = SkipNotFound
		case p.hasAccount:
			r.Skipped = SkipHasAccount
		default:
			r.Login, r.Skipped = bulkLogin(p, loginBy, &a)
		}
		if r.Skipped == "" {
			taken, err := identifierTaken(ctx, q, r.Login, 0)
			if err != nil {
				return nil, err
			}
			if taken || logins[r.Login] {
				r.Skipped = SkipLoginTaken
			}
		}
		if r.Skipped == "" {
			logins[r.Login] = true
			a.DisplayName = firstNonEmpty(p.nameZh, p.nameEn, r.Login)
			if r.InitialPassword, err = InitialPassword(); err != nil {
				return nil, err
			}
			plan.todo = append(plan.todo, a)
			plan.todoAt = append(plan.todoAt, len(plan.results))
		}
		plan.results = append(plan.results, r)
	}
	passwords := make([]string, len(plan.todo))
	for i, at := range plan.todoAt {
		passwords[i] = plan.results[at].InitialPassword
	}
	if plan.hashes, err = hashAll(ctx, h, passwords); err != nil {
		return nil, err
	}
	return plan, nil
}

// Apply writes the planned accounts in tx. Whatever changed since the plan
// was made (a person got an account, a login was taken) is checked again
// and skipped with its reason, never written twice.
func (plan *BulkPlan) Apply(ctx context.Context, tx *store.Tx, actor audit.Actor) ([]BulkResult, error) {
	results := slices.Clone(plan.results)
	ids := make([]int64, len(plan.todo))
	for i, a := range plan.todo {
		ids[i] = a.PersonID
	}
	now, err := loadBulkPeople(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for i, a := range plan.todo {
		r := &results[plan.todoAt[i]]
		if p, ok := now[a.PersonID]; !ok || p.hasAccount {
			r.Skipped, r.InitialPassword = SkipHasAccount, ""
			if !ok {
				r.Skipped = SkipNotFound
			}
			continue
		}
		if taken, err := identifierTaken(ctx, tx, r.Login, 0); err != nil {
			return nil, err
		} else if taken {
			r.Skipped, r.InitialPassword = SkipLoginTaken, ""
			continue
		}
		created, err := insert(ctx, tx, actor, a, plan.hashes[i])
		if err != nil {
			return nil, fmt.Errorf("account: bulk create for person %d: %w", a.PersonID, err)
		}
		r.AccountID = created.ID
	}
	return results, nil
}

type bulkPerson struct {
	nameZh, nameEn     string
	staff, phone, mail string
	hasAccount         bool
}

func loadBulkPeople(ctx context.Context, q store.Querier, ids []int64) (map[int64]bulkPerson, error) {
	out := make(map[int64]bulkPerson, len(ids))
	for start := 0; start < len(ids); start += maxParams {
		chunk := ids[start:min(start+maxParams, len(ids))]
		rows, err := q.Query(ctx, `SELECT p.id, p.name_zh, p.name_en, p.staff_number, p.phone, p.email,
			(SELECT COUNT(*) FROM accounts a WHERE a.person_id = p.id)
			FROM people p WHERE p.id IN (`+store.Marks(len(chunk))+`)`, store.Args(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("account: bulk: load people: %w", err)
		}
		for rows.Next() {
			var id int64
			var p bulkPerson
			var staff, phone, mail sql.NullString
			var accounts int
			if err := rows.Scan(&id, &p.nameZh, &p.nameEn, &staff, &phone, &mail, &accounts); err != nil {
				rows.Close()
				return nil, fmt.Errorf("account: bulk: scan person: %w", err)
			}
			p.staff, p.phone, p.mail, p.hasAccount = staff.String, phone.String, mail.String, accounts > 0
			out[id] = p
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("account: bulk: load people: %w", err)
		}
	}
	return out, nil
}

// bulkLogin picks p's identifier for loginBy, normalized, and sets it on a;
// it returns a skip reason when there is none or it is not valid.
func bulkLogin(p bulkPerson, loginBy string, a *Account) (login, skip string) {
	var es validate.Errors
	switch loginBy {
	case LoginByStaffNumber:
		login = strings.ToLower(strings.TrimSpace(p.staff))
		if login != "" && !usernamePattern.MatchString(login) {
			es.Add("username", "error.invalid_username")
		}
		a.Username = login
	case LoginByPhone:
		es.Phone("phone", strings.TrimSpace(p.phone))
		login = validate.NormalizePhone(p.phone)
		a.Phone = login
	case LoginByEmail:
		login = validate.NormalizeEmail(p.mail)
		es.Email("email", login)
		a.Email = login
	}
	switch {
	case login == "":
		return "", SkipNoLogin
	case len(es) > 0:
		return login, SkipInvalidLogin
	}
	return login, ""
}

// passwordAlphabet leaves out characters people misread: 0/o, 1/l/i.
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// InitialPassword returns a one-time password that reads and types easily
// on a phone: three groups of four lowercase letters and digits without
// look-alikes, such as "k7pm-w3ra-9xef" (about 59 bits).
func InitialPassword() (string, error) {
	const groups, per = 3, 4
	n := len(passwordAlphabet)
	limit := 256 - 256%n // rejection sampling keeps every character equally likely
	for {
		var b strings.Builder
		letters := 0
		buf := make([]byte, 64)
		for i := 0; i < groups*per; {
			if _, err := rand.Read(buf); err != nil {
				return "", fmt.Errorf("account: initial password: %w", err)
			}
			for _, c := range buf {
				if int(c) >= limit || i == groups*per {
					continue
				}
				if i > 0 && i%per == 0 {
					b.WriteByte('-')
				}
				ch := passwordAlphabet[int(c)%n]
				if ch > '9' {
					letters++
				}
				b.WriteByte(ch)
				i++
			}
		}
		if letters > 0 {
			return b.String(), nil
		}
	}
}

// hashAll hashes passwords on up to GOMAXPROCS goroutines.
func hashAll(ctx context.Context, h Hasher, passwords []string) ([]string, error) {
	out := make([]string, len(passwords))
	if len(passwords) == 0 {
		return out, nil
	}
	next := make(chan int)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(passwords)) {
		wg.Go(func() {
			for i := range next {
				hash, err := h.Hash(passwords[i])
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				out[i] = hash
			}
		})
	}
feed:
	for i := range passwords {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("account: bulk: hash passwords: %w", err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("account: bulk: hash passwords: %w", err)
	}
	return out, nil
}
