/**
 * The package's type tokens, alone in a module that loads nothing, so that a plugin process started
 * only to answer GetSchema (the YAML host starts one per run) never loads the core.
 */
export const WEBHOOK_SUBSCRIPTION_TOKEN = "calendly:index:WebhookSubscription";
export const SCOPE_TOKEN = "calendly:index:Scope";
export const GET_CURRENT_USER_TOKEN = "calendly:index:getCurrentUser";
export const GET_INVITEE_TOKEN = "calendly:index:getInvitee";
export const MARKED_URL_TOKEN = "calendly:index:markedUrl";
