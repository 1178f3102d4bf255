package series

import "github.com/meded/meded/internal/activity"

// activityZone is where a series without a schedule keeps its dates.
var activityZone = activity.Zone
