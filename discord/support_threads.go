package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

// OpenSupportThread opens the question's thread: in a forum (or media)
// channel a post whose first message is the question; in a text channel a
// public thread, then the question as its first message. Either way the
// "Mark resolved" button sits in a message inside the thread, so its
// interaction's channel is the thread the commands package resolves.
func (n *AccountabilityNotifier) OpenSupportThread(ctx context.Context, q accountability.SupportQuestion) (string, error) {
	kind, err := n.channelType(ctx, q.ChannelID)
	if err != nil {
		return "", err
	}
	start := &discordgo.ThreadStart{Name: threadName(q.Topic), AutoArchiveDuration: int(n.opts.ThreadArchiveAfter.Minutes())}
	msg := questionMessage(q)
	if kind == discordgo.ChannelTypeGuildForum || kind == discordgo.ChannelTypeGuildMedia {
		var th *discordgo.Channel
		err := n.call(ctx, "open a post for the question", "Send Messages", func(opt discordgo.RequestOption) error {
			var err error
			th, err = n.s.ForumThreadStartComplex(q.ChannelID, start, msg, opt)
			return err
		})
		if err != nil {
			return "", err
		}
		return th.ID, nil
	}

	start.Type = discordgo.ChannelTypeGuildPublicThread
	var th *discordgo.Channel
	err = n.call(ctx, "open a thread for the question", "Create Public Threads", func(opt discordgo.RequestOption) error {
		var err error
		th, err = n.s.ThreadStartComplex(q.ChannelID, start, opt)
		return err
	})
	if err != nil {
		return "", err
	}
	if _, err := n.send(ctx, th.ID, msg, "post the question in its thread", "Send Messages in Threads"); err != nil {
		n.dropEmptyThread(th.ID)
		return "", err
	}
	return th.ID, nil
}

// dropEmptyThread deletes a thread whose question could not be posted, so
// the support channel is not left with an empty thread nobody follows. It
// runs on its own short deadline: the caller's context may be what failed.
func (n *AccountabilityNotifier) dropEmptyThread(threadID string) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	err := n.call(ctx, "delete an empty support thread", "Manage Threads", func(opt discordgo.RequestOption) error {
		_, err := n.s.ChannelDelete(threadID, opt)
		return err
	})
	if err != nil {
		n.log.Warn("empty support thread left behind", "thread", threadID, "err", err)
	}
}

// PostInThread posts plain text in the thread, pinging nobody.
func (n *AccountabilityNotifier) PostInThread(ctx context.Context, threadID, text string) error {
	msg := &discordgo.MessageSend{Content: clipRunes(text, maxContent), AllowedMentions: onlyUsers()}
	_, err := n.send(ctx, threadID, msg, "post in the support thread", "Send Messages in Threads")
	return err
}

// Nudge reminds the support channel that t still waits for an answer,
// linking the thread and pinging nobody. A forum channel takes no
// messages of its own, so there the nudge goes into the post itself, which
// also brings it back to the top of the forum.
func (n *AccountabilityNotifier) Nudge(ctx context.Context, t accountability.Thread) error {
	kind, err := n.channelType(ctx, t.ChannelID)
	if err != nil {
		return err
	}
	target, perm := t.ChannelID, "Send Messages"
	if kind == discordgo.ChannelTypeGuildForum || kind == discordgo.ChannelTypeGuildMedia {
		target, perm = t.ThreadID, "Send Messages in Threads"
	}
	msg := &discordgo.MessageSend{Content: nudgeText(t), AllowedMentions: onlyUsers()}
	_, err = n.send(ctx, target, msg, "nudge the support channel about an unanswered question", perm)
	return err
}

// Thank says in the resolved thread that it is resolved and thanks the
// helper, pinging only the helper.
func (n *AccountabilityNotifier) Thank(ctx context.Context, t accountability.Thread) error {
	msg := &discordgo.MessageSend{Content: thanksText(t), AllowedMentions: onlyUsers(t.HelperID)}
	_, err := n.send(ctx, t.ThreadID, msg, "thank the helper in the support thread", "Send Messages in Threads")
	return err
}
