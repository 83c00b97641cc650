package discord

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// Discord error codes the effector treats specially (discordgo names some
// of them; 40032 it does not).
const (
	codeUnknownChannel    = discordgo.ErrCodeUnknownChannel             // 10003
	codeUnknownMember     = discordgo.ErrCodeUnknownMember              // 10007
	codeUnknownMessage    = discordgo.ErrCodeUnknownMessage             // 10008
	codeUnknownUser       = discordgo.ErrCodeUnknownUser                // 10013
	codeUnknownOverwrite  = 10009                                       // Unknown overwrite
	codeUnknownEvent      = discordgo.ErrCodeUnknownGuildScheduledEvent // 10070
	codeMissingAccess     = discordgo.ErrCodeMissingAccess              // 50001
	codeMissingPermission = discordgo.ErrCodeMissingPermissions         // 50013
	codeTooManyChannels   = discordgo.ErrCodeMaximumNumberOfGuildChannelsReached
	codeNotInVoice        = 40032 // Target user is not connected to voice
)

// restCode returns Discord's JSON error code of err, or 0.
func restCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// restStatus returns the HTTP status of a REST error, or 0.
func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// refused reports whether Discord answered err with a 4xx: retrying the
// same request would fail the same way.
func refused(err error) bool {
	s := restStatus(err)
	return s >= 400 && s < 500 && s != http.StatusTooManyRequests
}

// explain turns a Discord error met while doing `doing` (e.g. "create
// breakout rooms") into an error whose *workshop.Error says, in words a
// host can act on, what is wrong; perm names the permission the action
// needs. The Discord error stays in the chain for the logs.
func explain(err error, doing, perm string) error {
	if err == nil {
		return nil
	}
	var dom *workshop.Error
	switch code := restCode(err); {
	case errors.As(err, &dom):
		return err
	case code == codeMissingPermission:
		dom = workshop.Errorf(workshop.EFORBIDDEN,
			"I need the %s permission to %s. Ask a server admin to give my role that permission (server-wide or on this channel's category), then try again.", perm, doing)
	case code == codeMissingAccess:
		dom = workshop.Errorf(workshop.EFORBIDDEN,
			"I can't see a channel I need to %s. Ask a server admin to give my role the View Channel permission there.", doing)
	case code == codeTooManyChannels:
		dom = workshop.Errorf(workshop.ECONFLICT,
			"This server has reached Discord's limit of 500 channels, so I can't %s. Delete some channels, then try again.", doing)
	case restStatus(err) >= 500 || restStatus(err) == 0:
		dom = workshop.Errorf(workshop.EUNAVAILABLE, "Discord isn't answering right now, so I couldn't %s. I'll keep trying.", doing)
	default:
		dom = workshop.Errorf(workshop.EINTERNAL, "Discord refused to let me %s.", doing)
	}
	return fmt.Errorf("%s: %w (%w)", doing, dom, err)
}
