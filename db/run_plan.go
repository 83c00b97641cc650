package db

import (
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/roundtable-bot/roundtable/workshop"
)

// effectPlan sorts a decision's effects into what the save writes: the net
// change to the durable timers, the outbox queue and the help requests.
type effectPlan struct {
	// cancels are the CancelTimers prefixes; timers under them are deleted
	// unless scheduled again after the cancel (then they are in schedule).
	cancels []string
	// schedule is the final due time of each timer key scheduled and not
	// cancelled afterwards, in the order first scheduled.
	schedule     []string
	scheduleDues map[string]time.Time
	// queue holds the other effects, one per key: a key decided twice keeps
	// its first place and its latest values, as a later decision would.
	queue []workshop.Effect
	help  []workshop.PingHosts
}

// planEffects checks a decision's effects and sorts them. Applying
// plan.cancels then plan.schedule leaves the timers table as carrying out
// the timer effects one by one, in order, would.
func (s *RunStore) planEffects(r *workshop.Run, effects []workshop.Effect) (*effectPlan, error) {
	p := &effectPlan{scheduleDues: map[string]time.Time{}}
	at := map[string]int{} // key -> index in queue
	for _, e := range effects {
		switch e := e.(type) {
		case workshop.ScheduleTimer:
			key := e.Timer.Key()
			if e.Timer.RunID != r.ID {
				return nil, workshop.Errorf(workshop.EINVALID, "Run %d cannot schedule timer %s of another run.", r.ID, key)
			}
			if err := (Timer{Key: key, Kind: s.timerKind, DueAt: e.Timer.Due}).Validate(); err != nil {
				return nil, err
			}
			if _, ok := p.scheduleDues[key]; !ok {
				p.schedule = append(p.schedule, key)
			}
			p.scheduleDues[key] = e.Timer.Due
			continue
		case workshop.CancelTimers:
			// A prefix outside the run's own keys would cancel another
			// run's timers ("run:4" matches "run:42:...").
			if !strings.HasPrefix(e.Prefix, r.KeyPrefix()) {
				return nil, workshop.Errorf(workshop.EINVALID, "Run %d cannot cancel timers %q*.", r.ID, e.Prefix)
			}
			p.cancels = append(p.cancels, e.Prefix)
			kept := p.schedule[:0]
			for _, k := range p.schedule {
				if strings.HasPrefix(k, e.Prefix) {
					delete(p.scheduleDues, k)
				} else {
					kept = append(kept, k)
				}
			}
			p.schedule = kept
			continue
		case workshop.PingHosts:
			p.help = append(p.help, e)
		}
		if i, ok := at[e.Key()]; ok {
			p.queue[i] = e
			continue
		}
		at[e.Key()] = len(p.queue)
		p.queue = append(p.queue, e)
	}
	return p, nil
}

// dueTexts are the schedule's due times, for a text[] argument.
func (p *effectPlan) dueTexts() []string {
	out := make([]string, len(p.schedule))
	for i, k := range p.schedule {
		out[i] = timeText(p.scheduleDues[k])
	}
	return out
}

// args collects positional query arguments while a statement is written.
type args []any

// add appends v and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// textArray is ss as a text[] argument: never NULL, which lib/pq sends for
// a nil slice and which "= ANY" and "NOT IN" read as unknown, not empty.
func textArray(ss []string) pq.StringArray {
	if ss == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(ss)
}

// intArray is ns as an int[] argument, never NULL.
func intArray(ns []int64) pq.Int64Array {
	if ns == nil {
		return pq.Int64Array{}
	}
	return pq.Int64Array(ns)
}
