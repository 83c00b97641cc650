package db

import (
	"errors"
	"fmt"

	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/accountability"
)

// translateAcct is translate for the accountability domain: the same driver
// conditions (see classify) become *accountability.Error codes, so the
// accountability stores never hand a caller a workshop error or a lib/pq one.
// what is a noun a member understands ("check-in", "support thread").
func translateAcct(err error, what string) error {
	if err == nil {
		return nil
	}
	var domain *accountability.Error
	if errors.As(err, &domain) {
		return err
	}
	switch classify(err) {
	case kindNotFound:
		return fmt.Errorf("%w: %w", accountability.Errorf(accountability.ENOTFOUND, "No such %s.", what), err)
	case kindUnavailable:
		return fmt.Errorf("%w: %w", accountability.Errorf(accountability.EUNAVAILABLE, msgUnavailable), err)
	case kindConflict:
		return fmt.Errorf("%w: %w", accountability.Errorf(accountability.ECONFLICT, "That %s already exists.", what), err)
	case kindInvalid:
		if e := pq.As(err); e != nil && e.Code == codeForeignKeyViolation && isChannelKey(e.Constraint) {
			return fmt.Errorf("%w: %w", accountability.Errorf(accountability.ENOTFOUND,
				"This channel is not set up for check-ins: an admin can run /accountability setup."), err)
		}
		return fmt.Errorf("%w: %w", accountability.Errorf(accountability.EINVALID, "That %s is not valid.", what), err)
	}
	return err
}

// isChannelKey reports the foreign keys that point at accountability_channels:
// violating one means the channel was never set up (or was removed).
func isChannelKey(constraint string) bool {
	switch constraint {
	case "checkins_guild_id_channel_id_fkey", "member_reminders_channel_fkey":
		return true
	}
	return false
}
