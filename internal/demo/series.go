package demo

import (
	"fmt"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
)

// The Hangzhou hospital's "Thursday clinical lecture", held since 1994 and
// aimed at residents: 40 sessions and more than 3,200 attendances in 2019
// (context page 004). Thursdays that year fell on 52 days; the hospital
// kept none over Spring Festival, Qingming, National Day or the summer.
var (
	lecture2019Holidays = []string{"2019-01-31", "2019-02-07", "2019-04-04", "2019-07-11", "2019-07-18", "2019-07-25", "2019-08-01",
		"2019-08-08", "2019-08-15", "2019-08-22", "2019-08-29", "2019-10-03"}
	lecture2026Holidays = []string{"2026-02-19", "2026-04-30", "2026-07-09", "2026-07-16", "2026-07-23", "2026-07-30", "2026-08-06",
		"2026-08-13", "2026-08-20", "2026-08-27", "2026-10-01"}
	lectureTopics = []string{"脓毒症与感染性休克的早期识别", "急性胸痛的鉴别诊断", "肝移植术后免疫抑制管理", "慢加急性肝衰竭的诊治",
		"社区获得性肺炎指南解读", "心房颤动的抗凝治疗", "急性肾损伤的预防", "围手术期血糖管理", "抗菌药物合理使用", "急性胰腺炎的液体复苏",
		"危重患者营养支持", "上消化道出血的内镜治疗", "临床研究设计与统计", "心电图判读要点", "机械通气基础", "医患沟通与病情告知",
		"输血指征与不良反应", "肺栓塞的诊断流程", "糖尿病酮症酸中毒处理", "院内感染防控"}
	// Most Thursdays are lectures; some are case discussions, grand rounds
	// or a journal club, as on the page ("case discussion" among the forms).
	lectureFormats = []string{"lecture", "lecture", "case_discussion", "lecture", "grand_rounds", "lecture", "lecture", "journal_club"}
)

// holidaysOf is the current run's days off: 2026's as the hospital set them;
// for a demo loaded in another year, the summer Thursdays and National Day
// week.
func holidaysOf(year int) []string {
	if year == 2026 {
		return lecture2026Holidays
	}
	var out []string
	for d := time.Date(year, 7, 8, 0, 0, 0, 0, time.UTC); d.Before(time.Date(year, 10, 8, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Thursday && (d.Month() != time.September) {
			out = append(out, d.Format(time.DateOnly))
		}
	}
	return out
}

// residentCohort is how many residents the series counts on (expected to
// attend 70% of the lectures).
const residentCohort = 60

type lectureYear struct {
	year      int
	code      string
	titleZH   string
	titleEN   string
	holidays  []string
	close     bool
	method    func(i, k int) string
	excused   int // residents excused from one session each
	cancelDay string
	moveDay   string // moved one day later
}

// loadSeries records the 2019 run of the lecture (closed, its credits
// posted) and the current year's run (running, upcoming Thursdays for the calendars
// and the check-in).
func (b *builder) loadSeries() error {
	hosp := b.ids["zju1h"]
	residents, err := b.column(`SELECT id FROM people WHERE institution_id = ? AND category = 'resident' ORDER BY id LIMIT ?`, hosp, residentCohort)
	if err != nil {
		return err
	}
	others, err := b.column(`SELECT id FROM people WHERE institution_id = ? AND category <> 'resident' ORDER BY id`, hosp)
	if err != nil {
		return err
	}
	speakers, err := b.column(`SELECT id FROM people WHERE institution_id = ? AND category = 'physician' AND title IN ('associate_senior', 'senior')
		ORDER BY id LIMIT 40`, hosp)
	if err != nil {
		return err
	}
	current := time.Now().In(activity.Zone).Year()
	for _, y := range []lectureYear{
		{year: 2019, code: "ZJUTL-2019-001", titleZH: "周四临床讲座（2019）", titleEN: "Thursday clinical lecture (2019)", holidays: lecture2019Holidays,
			close: true, method: func(int, int) string { return "import" }},
		{year: current, code: fmt.Sprintf("ZJUTL-%d-001", current), titleZH: fmt.Sprintf("周四临床讲座（%d）", current),
			titleEN: fmt.Sprintf("Thursday clinical lecture (%d)", current), holidays: holidaysOf(current),
			method: func(i, k int) string {
				return []string{"live_code", "live_code", "live_code", "kiosk", "manual"}[(i+k)%5]
			},
			excused: 6, cancelDay: fmt.Sprintf("%d-06-18", current), moveDay: fmt.Sprintf("%d-09-10", current)},
	} {
		if err := b.loadLectureYear(y, residents, others, speakers); err != nil {
			return fmt.Errorf("demo: Thursday lecture %d: %w", y.year, err)
		}
	}
	return nil
}

func (b *builder) loadLectureYear(y lectureYear, residents, others, speakers []int64) error {
	ctx, tx := b.ctx, b.tx
	director := b.ids["staff/Hepatobiliary and Pancreatic Surgery"]
	a, err := activity.Create(ctx, tx, actor, activity.Input{Kind: "series", Level: "institutional", TitleZH: y.titleZH, TitleEN: y.titleEN,
		InstitutionID: b.ids["zju1h"], DirectorID: director, Discipline: "临床医学", Audience: "住院医师及全院医护人员",
		PlannedHours: "60", StartDate: fmt.Sprintf("%d-01-01", y.year), EndDate: fmt.Sprintf("%d-12-31", y.year)})
	if err != nil {
		return err
	}
	if _, err := activity.Transition(ctx, tx, actor, a.ID, "submit", ""); err != nil {
		return err
	}
	if _, err := activity.Approve(ctx, tx, actor, a.ID, activity.Approval{Code: y.code}); err != nil {
		return err
	}
	if _, err := activity.Transition(ctx, tx, actor, a.ID, "start", ""); err != nil {
		return err
	}
	b.ids[fmt.Sprintf("series/%d", y.year)] = a.ID
	if _, err := series.Save(ctx, tx, actor, series.Schedule{ActivityID: a.ID, Frequency: "weekly", Weekday: int(time.Thursday),
		StartTime: "16:30", Minutes: 90, Zone: "Asia/Shanghai", AnchorDate: fmt.Sprintf("%d-01-01", y.year), Format: "lecture",
		Venue: "门诊楼七楼学术报告厅", ExpectedPct: 70, CreditDelayMinutes: 15}); err != nil {
		return err
	}
	for _, d := range y.holidays {
		if _, err := series.AddHoliday(ctx, tx, actor, a.ID, series.Holiday{Day: d, Note: "节假日"}); err != nil {
			return err
		}
	}
	if _, err := series.Generate(ctx, tx, actor, a.ID, fmt.Sprintf("%d-01-01", y.year), fmt.Sprintf("%d-12-31", y.year)); err != nil {
		return err
	}
	for _, r := range residents {
		if _, err := enrolment.SelfEnrol(ctx, tx, actor, a.ID, r); err != nil {
			return err
		}
	}
	sessions, err := session.List(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	lecturerAccount := b.ids["staff/Cardiology"]
	now := time.Now()
	firstUpcoming := true
	for i, s := range sessions {
		speaker := speakers[(i*7)%len(speakers)]
		if s.StartsAt.After(now) && firstUpcoming {
			speaker, firstUpcoming = lecturerAccount, false
		}
		in := session.Input{StartsAt: s.StartsAt.Format(time.RFC3339), EndsAt: s.EndsAt.Format(time.RFC3339), Venue: s.Venue,
			Format: lectureFormats[i%len(lectureFormats)], Hours: s.Hours(), Topic: lectureTopics[(i*3+y.year)%len(lectureTopics)],
			Lecturers: []session.Lecturer{{PersonID: speaker}}}
		local := s.StartsAt.In(activity.Zone).Format(time.DateOnly)
		if local == y.moveDay {
			// Moved to Friday: the speaker was at a conference on Thursday.
			in.StartsAt, in.EndsAt = s.StartsAt.AddDate(0, 0, 1).Format(time.RFC3339), s.EndsAt.AddDate(0, 0, 1).Format(time.RFC3339)
		}
		if sessions[i], err = session.Update(ctx, tx, actor, s.ID, in); err != nil {
			return err
		}
		sessions[i].ID, sessions[i].Cancelled = s.ID, false
		if local == y.cancelDay {
			if sessions[i], err = session.Cancel(ctx, tx, actor, s.ID); err != nil {
				return err
			}
		}
	}
	// Attendance: each resident comes to about four lectures in five (every
	// ninth to fewer than half, so the below-expected list has names); the
	// rest of the room is the hospital's other staff, a different slice of
	// them each week.
	var rows [][]any
	held := 0
	for i, s := range sessions {
		if s.Cancelled || s.EndsAt.After(now) {
			continue
		}
		target := 73 + (held*7)%17
		held++
		var present []int64
		for k, r := range residents {
			if k%9 == 4 && (k+i)%10 < 4 || k%9 != 4 && (k*13+i*7)%10 < 8 {
				present = append(present, r)
			}
		}
		for k := 0; len(present) < target; k++ {
			present = append(present, others[(held*53+k*11)%len(others)])
		}
		at := s.StartsAt.Add(-5 * time.Minute)
		for k, p := range present[:target] {
			rows = append(rows, []any{s.ID, p, y.method(i, k), at.Add(time.Duration(k%10) * time.Minute)})
		}
	}
	if err := b.bulk("attendance", []string{"session_id", "person_id", "method", "recorded_at"}, rows); err != nil {
		return err
	}
	if err := b.excuse(sessions, residents, y.excused, now); err != nil {
		return err
	}
	if y.close {
		if _, err := activity.Transition(ctx, tx, actor, a.ID, "close", ""); err != nil {
			return err
		}
	}
	// Post the credits the sweep of `meded serve` would have posted when each
	// session's check-in window closed.
	for _, s := range sessions {
		if s.EndsAt.Add(series.DefaultCreditDelay).After(now) {
			continue
		}
		if _, err := series.CreditSession(ctx, tx, actor, s.ID); err != nil {
			return err
		}
	}
	return nil
}

// excuse records n residents excused by the office from a session they
// missed (night duty, further study elsewhere).
func (b *builder) excuse(sessions []session.Session, residents []int64, n int, now time.Time) error {
	reasons := []string{"夜班", "外出进修", "病假"}
	done := 0
	for i := len(sessions) - 1; i >= 0 && done < n; i-- {
		s := sessions[i]
		if s.Cancelled || s.EndsAt.After(now) {
			continue
		}
		for _, r := range residents {
			var count int
			if err := b.tx.QueryRow(b.ctx, `SELECT COUNT(*) FROM attendance WHERE session_id = ? AND person_id = ?`, s.ID, r).Scan(&count); err != nil {
				return err
			}
			if count > 0 {
				continue
			}
			if err := series.Excuse(b.ctx, b.tx, actor, s.ID, r, reasons[done%len(reasons)]); err != nil {
				return err
			}
			done++
			break
		}
	}
	return nil
}
