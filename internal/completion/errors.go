package completion

import "github.com/meded/meded/internal/validate"

func notEnrolled() error { return validate.Field("person_id", "error.not_enrolled") }
