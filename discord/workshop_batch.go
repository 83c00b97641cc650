package discord

import (
	"context"
	"errors"
	"fmt"

	"github.com/roundtable-bot/roundtable/workshop"
)

// ApplyBatch carries out a run's effects as Apply would one by one, but
// runs consecutive posts to different rooms in parallel (each channel is
// its own rate-limit bucket), keeping the order of posts to the same
// room; every other effect waits for the posts before it and is waited
// for. Nothing runs after a failure (later effects may depend on the failed
// one). errs[i] is the outcome of effects[i]: a caller marks done those
// with a nil error and keeps the others queued (repeating a done effect is
// harmless, every effect being idempotent).
func (w *WorkshopEffector) ApplyBatch(ctx context.Context, r *workshop.Run, effects []workshop.Effect) (errs []error) {
	errs = make([]error, len(effects))
	if r == nil {
		for i := range errs {
			errs[i] = workshop.Errorf(workshop.EINTERNAL, "apply effects: no run")
		}
		return errs
	}
	unlock := w.lockRun(r.ID)
	defer unlock()
	if err := w.resumeMoves(ctx, r); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	for i := 0; i < len(effects); {
		j := i
		for j < len(effects) && postRoom(effects[j]) != "" {
			j++
		}
		if j == i {
			if errs[i] = w.apply(ctx, r, effects[i]); errs[i] != nil {
				skipRest(errs, i+1, errs[i])
				return errs
			}
			i++
			continue
		}
		var rooms []string
		byRoom := map[string][]int{}
		for k := i; k < j; k++ {
			room := postRoom(effects[k])
			if _, ok := byRoom[room]; !ok {
				rooms = append(rooms, room)
			}
			byRoom[room] = append(byRoom[room], k)
		}
		for k := i; k < j; k++ {
			errs[k] = errNotCarriedOut // until its room's turn comes
		}
		_ = w.fanOut(ctx, len(rooms), func(ctx context.Context, n int) error {
			for _, k := range byRoom[rooms[n]] {
				if errs[k] = w.apply(ctx, r, effects[k]); errs[k] != nil {
					for _, rest := range byRoom[rooms[n]] {
						if rest > k {
							errs[rest] = errs[k]
						}
					}
					break
				}
			}
			return nil
		})
		for k := i; k < j; k++ {
			if errs[k] != nil {
				skipRest(errs, j, errs[k])
				return errs
			}
		}
		i = j
	}
	return errs
}

// skipRest marks every effect from i on as not carried out because of an
// earlier failure: later effects may depend on it (prompts on their rooms),
// so none runs before it succeeds.
func skipRest(errs []error, i int, cause error) {
	for ; i < len(errs); i++ {
		errs[i] = fmt.Errorf("not carried out after an earlier effect failed: %w", cause)
	}
}

// postRoom is the room a single-room post goes to, or "" for any other
// effect (which ApplyBatch runs on its own).
func postRoom(e workshop.Effect) string {
	switch e := e.(type) {
	case workshop.PostPrompt:
		return e.Room.String()
	case workshop.PostRoleSwap:
		return e.Room.String()
	case workshop.PostWarning:
		return e.Room.String()
	case workshop.PostIntro:
		return workshop.MainRoom.String()
	}
	return ""
}

// errNotCarriedOut marks a post ApplyBatch never got to (ctx ended).
var errNotCarriedOut = errors.New("not carried out: the context ended first")
