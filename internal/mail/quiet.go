package mail

import "time"

// QuietHours is a daily period in which no message of a non-exempt kind is
// sent. Start and End are times of day (offsets from local midnight, in
// Loc); Start > End spans midnight (21:00–07:00). Start == End: none.
type QuietHours struct {
	Start, End time.Duration
	Loc        *time.Location
}

// DefaultQuietHours is 21:00–07:00 in loc.
func DefaultQuietHours(loc *time.Location) QuietHours {
	return QuietHours{Start: 21 * time.Hour, End: 7 * time.Hour, Loc: loc}
}

// Next returns t when t is outside quiet hours, else the moment they end.
func (q QuietHours) Next(t time.Time) time.Time {
	if q.Start == q.End {
		return t
	}
	loc := q.Loc
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	tod := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute +
		time.Duration(lt.Second())*time.Second + time.Duration(lt.Nanosecond())
	endOn := func(dayOffset int) time.Time {
		h, m := int(q.End/time.Hour), int(q.End%time.Hour/time.Minute)
		return time.Date(lt.Year(), lt.Month(), lt.Day()+dayOffset, h, m, 0, 0, loc).In(t.Location())
	}
	if q.Start < q.End {
		if tod >= q.Start && tod < q.End {
			return endOn(0)
		}
		return t
	}
	switch {
	case tod >= q.Start:
		return endOn(1)
	case tod < q.End:
		return endOn(0)
	}
	return t
}

// Inside reports whether t falls in quiet hours.
func (q QuietHours) Inside(t time.Time) bool { return !q.Next(t).Equal(t) }
