package demo

import (
	"fmt"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
)

// Page 004: "In 2019, a total of 98 health technicians from the country
// were trained" at the Hangzhou hospital, whose hepatobiliary surgery and
// infectious diseases departments are national CME bases. The demo records
// each of those trainees from application to completion (two left early),
// plus a few applications refused that year, and this year's applications
// in every state so each page has live work.

// furtherStudyHomes are the trainees' home hospitals, across the country,
// beside the outside hospitals the CME demo already records.
var furtherStudyHomes = []struct{ handle, zh, en, region, city string }{
	{"fs-anhui", "安徽省立医院", "Anhui Provincial Hospital", "安徽", "合肥"},
	{"fs-jiangxi", "九江市第一人民医院", "Jiujiang First People's Hospital", "江西", "九江"},
	{"fs-fujian", "南平市第一医院", "Nanping First Hospital", "福建", "南平"},
	{"fs-henan", "南阳市中心医院", "Nanyang Central Hospital", "河南", "南阳"},
	{"fs-gansu", "天水市第一人民医院", "Tianshui First People's Hospital", "甘肃", "天水"},
	{"fs-yunnan", "大理州人民医院", "Dali People's Hospital", "云南", "大理"},
	{"fs-hunan", "常德市第一人民医院", "Changde First People's Hospital", "湖南", "常德"},
	{"fs-qinghai", "海东市第一人民医院", "Haidong First People's Hospital", "青海", "海东"},
}

// furtherStudy2019 is how many trainees each host department received in
// 2019, with their category: 98 in all, most at the two national bases.
var furtherStudy2019 = []struct {
	dept, category string
	count          int
}{
	{"Hepatobiliary and Pancreatic Surgery", "physician", 38},
	{"Infectious Diseases", "physician", 30},
	{"Cardiology", "physician", 10},
	{"Respiratory Medicine", "physician", 8},
	{"Emergency Medicine", "physician", 4},
	{"Nursing Department", "nurse", 5},
	{"Laboratory Medicine", "technician", 3},
}

// furtherStudyMonths cycles through typical stays: three, six or twelve
// months mostly.
var furtherStudyMonths = []int{6, 3, 6, 12, 3, 6, 4, 6, 9, 3, 6, 12}

var furtherStudyPurposes = []string{"肝移植围手术期管理", "腹腔镜肝切除术", "病毒性肝炎规范化诊治", "重症感染与抗菌药物合理使用",
	"冠脉介入诊疗", "呼吸危重症与支气管镜", "急危重症救治", "专科护理", "临床检验质量管理"}

func (b *builder) loadFurtherStudy() error {
	homes := []int64{b.ids["zj-lishui"], b.ids["zj-quzhou"], b.ids["gz-qiandongnan"], b.ids["xj-aksu"], b.ids["scu-wc4h"], b.ids["xjtu-1h"], b.ids["nwmch"]}
	for _, h := range furtherStudyHomes {
		inst, err := institution.Create(b.ctx, b.tx, actor, institution.Input{Kind: "outside_hospital", NameZH: h.zh, NameEN: h.en,
			Country: "CN", Region: h.region, City: h.city})
		if err != nil {
			return fmt.Errorf("demo: %s: %w", h.handle, err)
		}
		b.ids[h.handle] = inst.ID
		homes = append(homes, inst.ID)
	}
	supervisors := map[string][]int64{}
	for _, d := range furtherStudy2019 {
		ids, err := b.column(`SELECT id FROM people WHERE department_id = ? AND title IN ('associate_senior', 'senior') ORDER BY id LIMIT 4`,
			b.ids["zju1h/"+d.dept])
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			ids = []int64{b.ids["staff/"+d.dept]}
		}
		supervisors[d.dept] = ids
	}
	fs := furtherStudyDemo{b: b, homes: homes, supervisors: supervisors, office: audit.System("继续医学教育办公室 (demo)"),
		reviewer: audit.System("科室审核人 (demo)")}
	n := 0
	for _, d := range furtherStudy2019 {
		for i := range d.count {
			months := furtherStudyMonths[n%len(furtherStudyMonths)]
			start := time.Date(2019, time.Month(1+(n*5)%12), 1, 0, 0, 0, 0, time.UTC)
			outcome := "complete"
			if n == 17 || n == 61 {
				outcome = "withdraw"
			}
			if err := fs.stay(n, d.dept, d.category, months, start, outcome, i); err != nil {
				return err
			}
			n++
		}
	}
	// Refused in 2019: never arrived, so not among the 98.
	for i, step := range []string{"department_reject", "department_reject", "department_reject", "office_reject", "office_reject"} {
		if err := fs.stay(n, furtherStudy2019[i%2].dept, "physician", 6, time.Date(2019, time.Month(3+i), 1, 0, 0, 0, 0, time.UTC), step, i); err != nil {
			return err
		}
		n++
	}
	// This year's applications, one or more in each state.
	now := time.Now().In(furtherstudy.Zone)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		dept, outcome string
		months        int
		start         time.Time
	}{
		{"Infectious Diseases", "submit", 6, thisMonth.AddDate(0, 2, 0)},
		{"Infectious Diseases", "submit", 3, thisMonth.AddDate(0, 3, 0)},
		{"Hepatobiliary and Pancreatic Surgery", "submit", 6, thisMonth.AddDate(0, 2, 0)},
		{"Infectious Diseases", "department_approve", 6, thisMonth.AddDate(0, 2, 0)},
		{"Hepatobiliary and Pancreatic Surgery", "department_approve", 12, thisMonth.AddDate(0, 3, 0)},
		{"Hepatobiliary and Pancreatic Surgery", "accept", 6, thisMonth.AddDate(0, 1, 0)},
		{"Cardiology", "accept", 3, thisMonth.AddDate(0, 2, 0)},
		{"Infectious Diseases", "arrive", 6, thisMonth.AddDate(0, -3, 0)},
		{"Hepatobiliary and Pancreatic Surgery", "arrive", 12, thisMonth.AddDate(0, -5, 0)},
		{"Respiratory Medicine", "arrive", 3, thisMonth.AddDate(0, -1, 0)},
		{"Hepatobiliary and Pancreatic Surgery", "complete", 3, thisMonth.AddDate(0, -8, 0)},
		{"Infectious Diseases", "complete", 6, thisMonth.AddDate(0, -10, 0)},
		{"Cardiology", "department_reject", 6, thisMonth.AddDate(0, 2, 0)},
		{"Respiratory Medicine", "withdraw_before", 3, thisMonth.AddDate(0, 2, 0)},
	} {
		if err := fs.stay(n, c.dept, "physician", c.months, c.start, c.outcome, i); err != nil {
			return err
		}
		n++
	}
	return nil
}

type furtherStudyDemo struct {
	b                *builder
	homes            []int64
	supervisors      map[string][]int64
	office, reviewer audit.Actor
}

// stay records the nth trainee's application to dept for months from start
// and takes it as far as outcome: submit, department_approve, accept,
// arrive, complete, withdraw (after arrival), withdraw_before, or a
// department or office rejection. Arrived stays are evaluated every month
// that has begun.
func (fs furtherStudyDemo) stay(n int, dept, category string, months int, start time.Time, outcome string, i int) error {
	b := fs.b
	ctx, tx := b.ctx, b.tx
	title := []string{"junior", "intermediate", "intermediate", "associate_senior", "junior"}[n%5]
	p, err := person.Create(ctx, tx, actor, person.Input{NameZH: demoName(7000 + n), Gender: []string{"female", "male"}[n%2], Title: title,
		Category: category, InstitutionID: fs.homes[(n*7)%len(fs.homes)], Phone: fmt.Sprintf("1360000%04d", n)})
	if err != nil {
		return fmt.Errorf("demo: further-study trainee %d: %w", n, err)
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	end := start.AddDate(0, months, -1)
	a, err := furtherstudy.Apply(ctx, tx, actor, furtherstudy.Input{PersonID: p.ID, HostDepartmentID: b.ids["zju1h/"+dept], Months: months,
		WishStartOn: day(start), Purpose: furtherStudyPurposes[n%len(furtherStudyPurposes)]})
	if err != nil {
		return fmt.Errorf("demo: further study %d: apply: %w", n, err)
	}
	steps := map[string]int{"submit": 0, "department_reject": 1, "withdraw_before": 1, "department_approve": 1, "office_reject": 2,
		"accept": 2, "arrive": 3, "withdraw": 4, "complete": 4}
	depth := steps[outcome]
	if outcome == "withdraw_before" {
		_, err := furtherstudy.Withdraw(ctx, tx, actor, a.ID, furtherstudy.Withdrawal{Comment: "单位临时工作安排"})
		return err
	}
	if outcome == "department_reject" {
		_, err := furtherstudy.ReviewByDepartment(ctx, tx, fs.reviewer, a.ID, furtherstudy.Decision{Comment: "本期带教名额已满"})
		return err
	}
	if depth >= 1 {
		if _, err := furtherstudy.ReviewByDepartment(ctx, tx, fs.reviewer, a.ID, furtherstudy.Decision{Approve: true, Comment: "同意接收"}); err != nil {
			return fmt.Errorf("demo: further study %d: review: %w", n, err)
		}
	}
	if outcome == "office_reject" {
		_, err := furtherstudy.Reject(ctx, tx, fs.office, a.ID, "选送单位未提供推荐函")
		return err
	}
	if depth >= 2 {
		sups := fs.supervisors[dept]
		if _, err := furtherstudy.Accept(ctx, tx, fs.office, a.ID, furtherstudy.Acceptance{StartOn: day(start), EndOn: day(end),
			SupervisorID: sups[i%len(sups)]}); err != nil {
			return fmt.Errorf("demo: further study %d: accept: %w", n, err)
		}
	}
	if depth >= 3 {
		if _, err := furtherstudy.Arrive(ctx, tx, fs.office, a.ID, day(start)); err != nil {
			return fmt.Errorf("demo: further study %d: arrive: %w", n, err)
		}
	}
	last := end
	if outcome == "withdraw" {
		last = start.AddDate(0, 2, -1)
	}
	today := furtherstudy.Today()
	if depth >= 3 {
		for m := start; !m.After(last) && m.Format("2006-01") <= today[:7]; m = m.AddDate(0, 1, 0) {
			if outcome == "arrive" && m.Format("2006-01") == today[:7] {
				break // this month's evaluation is still to come
			}
			_, err := furtherstudy.Evaluate(ctx, tx, fs.reviewer, a.ID, furtherstudy.EvaluationInput{Month: m.Format("2006-01"),
				Score: 78 + (n+m.YearDay())%20, Comment: []string{"按期完成轮转任务", "操作规范，进步明显", "理论扎实，需加强独立操作"}[(n+int(m.Month()))%3]})
			if err != nil {
				return fmt.Errorf("demo: further study %d: evaluate %s: %w", n, m.Format("2006-01"), err)
			}
		}
	}
	switch outcome {
	case "withdraw":
		_, err = furtherstudy.Withdraw(ctx, tx, fs.office, a.ID, furtherstudy.Withdrawal{Comment: "家中变故，提前返回原单位", LeftOn: day(last)})
	case "complete":
		_, err = furtherstudy.Complete(ctx, tx, fs.office, a.ID, furtherstudy.Completion{CompletedOn: day(end), Score: 80 + n%18,
			Comment: "完成进修计划，考核合格"})
	}
	if err != nil {
		return fmt.Errorf("demo: further study %d: %s: %w", n, outcome, err)
	}
	return nil
}
