package web_test

import (
	"context"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

// addFurtherStudy adds the further-study applications the authorization
// rows use. Trainees come from the outside university {other}:
// {fs} the outside doctor's submitted application to the reviewer's
// department {dept}; {fs_surgery} the same doctor's to Surgery (another
// department); {fs_approved} a second trainee's, approved by {dept};
// {fs_accepted} a third trainee's, accepted for 2099 under the supervisor
// {person} (who has the account "fs_supervisor"); {fs_arrived} a fourth
// trainee's, studying since 2026-01-05; and {fs_own} the learner's own
// application to a department {fs_dept_out} of the outside university,
// outside every office's scope. The trainees of the last three are
// {fs_approved_person}, {fs_accepted_person} and {fs_arrived_person}.
func (f *fixture) addFurtherStudy(ctx context.Context, tx *store.Tx) error {
	sys := audit.System("fixture")
	surgery, err := person.Get(ctx, tx, f.ids["surgeon"])
	if err != nil {
		return err
	}
	outDept, err := institution.CreateDepartment(ctx, tx, sys, f.ids["other"], institution.DepartmentInput{NameEN: "Outside Medicine"})
	if err != nil {
		return err
	}
	f.ids["fs_dept_out"], f.ids["dept_surgery"] = outDept.ID, surgery.DepartmentID
	trainee := func(name string) (int64, error) {
		p, err := person.Create(ctx, tx, sys, person.Input{NameZH: name, Title: "intermediate", Category: "physician", InstitutionID: f.ids["other"]})
		return p.ID, err
	}
	apply := func(handle string, personID, dept int64, start string) (furtherstudy.Application, error) {
		a, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: personID, HostDepartmentID: dept, Months: 3, WishStartOn: start, Purpose: "endoscopy"})
		f.ids[handle] = a.ID
		return a, err
	}
	if _, err := apply("fs", f.ids["otherperson"], f.ids["dept"], "2027-03-01"); err != nil {
		return err
	}
	if _, err := apply("fs_surgery", f.ids["otherperson"], surgery.DepartmentID, "2027-03-01"); err != nil {
		return err
	}
	if _, err := apply("fs_own", f.ids["self"], outDept.ID, "2027-03-01"); err != nil {
		return err
	}
	approve := furtherstudy.Decision{Approve: true}
	for i, step := range []struct {
		handle, start, end string
		accept, arrive     bool
	}{
		{"fs_approved", "2027-03-01", "", false, false},
		{"fs_accepted", "2099-01-01", "2099-03-31", true, false},
		{"fs_arrived", "2026-01-05", "2026-12-31", true, true},
	} {
		id, err := trainee([]string{"赵敏", "钱进", "孙立"}[i])
		if err != nil {
			return err
		}
		f.ids[step.handle+"_person"] = id
		a, err := apply(step.handle, id, f.ids["dept"], step.start)
		if err != nil {
			return err
		}
		if _, err := furtherstudy.ReviewByDepartment(ctx, tx, sys, a.ID, approve); err != nil {
			return err
		}
		if step.accept {
			if _, err := furtherstudy.Accept(ctx, tx, sys, a.ID, furtherstudy.Acceptance{StartOn: step.start, EndOn: step.end, SupervisorID: f.ids["person"]}); err != nil {
				return err
			}
		}
		if step.arrive {
			if _, err := furtherstudy.Arrive(ctx, tx, sys, a.ID, step.start); err != nil {
				return err
			}
		}
	}
	sup, err := account.Get(ctx, tx, f.ids["acct"])
	if err != nil {
		return err
	}
	f.logins["fs_supervisor"] = sup
	return nil
}
