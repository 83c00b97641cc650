package discord

import (
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

// codeCannotDM is Discord's answer when a member's privacy settings refuse
// direct messages from the bot ("Cannot send messages to this user").
const codeCannotDM = discordgo.ErrCodeCannotSendMessagesToThisUser // 50007

// dmClosed reports whether err says the member does not accept DMs from
// the bot, which is when a reminder falls back to a mention.
func dmClosed(err error) bool { return restCode(err) == codeCannotDM }

// explainAccountability turns a Discord error met while doing `doing`
// (e.g. "post the check-in prompt") into an error whose
// *accountability.Error a community manager can act on; perm names the
// permission the action needs. The Discord error stays in the chain for
// the logs.
func explainAccountability(err error, doing, perm string) error {
	if err == nil {
		return nil
	}
	var dom *accountability.Error
	var limited discordgo.RateLimitError
	switch code := restCode(err); {
	case errors.As(err, &dom):
		return err
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		dom = accountability.Errorf(accountability.EUNAVAILABLE, "I ran out of time to %s. I'll try again.", doing)
	case code == codeMissingPermission:
		dom = accountability.Errorf(accountability.EFORBIDDEN,
			"I need the %s permission to %s. Ask a server admin to give my role that permission in the channel, then try again.", perm, doing)
	case code == codeMissingAccess:
		dom = accountability.Errorf(accountability.EFORBIDDEN,
			"I can't see the channel I need to %s. Ask a server admin to give my role the View Channel permission there.", doing)
	case code == codeUnknownChannel:
		dom = accountability.Errorf(accountability.ENOTFOUND, "The channel I need to %s no longer exists.", doing)
	case code == codeUnknownMessage:
		dom = accountability.Errorf(accountability.ENOTFOUND, "The message I need to %s was deleted.", doing)
	case code == codeUnknownUser || code == codeUnknownMember:
		dom = accountability.Errorf(accountability.ENOTFOUND, "The member I need to %s is no longer on Discord or in this server.", doing)
	case errors.As(err, &limited) || restStatus(err) >= 500 || restStatus(err) == 0:
		dom = accountability.Errorf(accountability.EUNAVAILABLE, "Discord isn't answering right now, so I couldn't %s. I'll try again.", doing)
	default:
		dom = accountability.Errorf(accountability.EINTERNAL, "Discord refused to let me %s.", doing)
	}
	return fmt.Errorf("%s: %w (%w)", doing, dom, err)
}
