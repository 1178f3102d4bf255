package web_test

import (
	"context"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/conference"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/training"
)

// addFaculty adds the fixture records of faculty development training classes and conference delegations:
// {class} a class run by the offices' university at the outside university, the learner a participant, with
// a lecture {class_sess} by a guest; {class_other} a class of the outside university (no office's scope);
// {conf} the university's delegation to a conference, the learner its leader with an oral presentation
// {contrib} and a poster {contrib2}, the doctor {person} a delegate; {conf_other} the outside university's delegation.
func (f *fixture) addFaculty(ctx context.Context, tx *store.Tx) error {
	sys := audit.System("fixture")
	for _, c := range []struct {
		handle string
		inst   int64
	}{{"class", f.ids["home"]}, {"class_other", f.ids["other"]}} {
		cl, err := training.Create(ctx, tx, sys, training.Input{TitleZH: "骨干教师培训班", TitleEN: "Backbone teachers' class",
			InstitutionID: c.inst, DirectorID: f.ids["person"], HostInstitutionID: f.ids["other"], OrganiserZH: "教师发展中心",
			StartDate: "2025-04-20", EndDate: "2025-04-26", PlannedHours: "2", MinAttendancePct: 80})
		if err != nil {
			return err
		}
		f.ids[c.handle] = cl.ID
	}
	s, err := session.Create(ctx, tx, sys, f.ids["class"], session.Input{StartsAt: "2025-04-21T09:00", EndsAt: "2025-04-21T11:00",
		Venue: "Hall", Format: "lecture", Hours: "2", Lecturers: []session.Lecturer{{GuestName: "Prof Guest", GuestInstitution: "Other University"}}})
	if err != nil {
		return err
	}
	f.ids["class_sess"] = s.ID
	if _, err := enrolment.EnrolList(ctx, tx, sys, f.ids["class"], nil, "H002"); err != nil {
		return err
	}
	for _, c := range []struct {
		handle string
		inst   int64
	}{{"conf", f.ids["home"]}, {"conf_other", f.ids["other"]}} {
		conf, err := conference.Create(ctx, tx, sys, conference.Input{Kind: "conference", TitleZH: "医学教育大会", TitleEN: "Medical Education Conference",
			InstitutionID: c.inst, DirectorID: f.ids["person"], OrganiserEN: "A society", City: "Yiwu", Country: "CN",
			StartDate: "2026-01-23", EndDate: "2026-01-24", PlannedHours: "16", ExpectedAttendance: 1400, Countries: 30})
		if err != nil {
			return err
		}
		f.ids[c.handle] = conf.ID
	}
	for _, p := range []string{"self", "person"} {
		if _, err := conference.AddMember(ctx, tx, sys, f.ids["conf"], f.ids[p]); err != nil {
			return err
		}
	}
	if _, err := conference.AddMember(ctx, tx, sys, f.ids["conf_other"], f.ids["otherperson"]); err != nil {
		return err
	}
	if _, err := conference.SetLeader(ctx, tx, sys, f.ids["conf"], f.ids["self"]); err != nil {
		return err
	}
	x, err := conference.AddContribution(ctx, tx, sys, f.ids["conf"], conference.ContributionInput{PersonID: f.ids["self"], Type: "oral",
		TitleZH: "医学人文教育", TitleEN: "Medical humanities education", CoAuthors: []conference.CoAuthor{{Name: "Ms Tan", Institution: "Other University"}}})
	if err != nil {
		return err
	}
	f.ids["contrib"] = x.ID
	x, err = conference.AddContribution(ctx, tx, sys, f.ids["conf"], conference.ContributionInput{PersonID: f.ids["self"], Type: "poster",
		TitleZH: "全球胜任力", TitleEN: "Global competence"})
	if err != nil {
		return err
	}
	f.ids["contrib2"] = x.ID
	return nil
}
