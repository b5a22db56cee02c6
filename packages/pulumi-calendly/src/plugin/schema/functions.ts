/**
 * The package's functions in the schema: the seed's manual steps, as calls any Pulumi language can
 * make (`getCurrentUser` is step 2, the user and organization URIs a subscription needs;
 * `getInvitee` is step 5, the invitee a delivery names), and `markedUrl`, the callback URL that
 * makes every replacement gap-free. Their implementations are in ../functions.ts.
 */
import type { FunctionSpec, ObjectTypeSpec, PropertySpec } from "./spec";
import { GET_CURRENT_USER_TOKEN, GET_INVITEE_TOKEN, MARKED_URL_TOKEN, SCOPE_TOKEN } from "./tokens";

export { GET_CURRENT_USER_TOKEN, GET_INVITEE_TOKEN, MARKED_URL_TOKEN };

const str = (description: string): PropertySpec => ({ type: "string", description });
const ref = (token: string, description: string): PropertySpec => ({ $ref: `#/types/${token}`, description });

function object(
  description: string,
  properties: Record<string, PropertySpec>,
  required: string[],
): ObjectTypeSpec {
  return { type: "object", description, properties, ...(required.length > 0 ? { required } : {}) };
}

/** Object types of `getInvitee`'s result. */
export const INVITEE_TYPES: Record<string, ObjectTypeSpec> = {
  "calendly:index:InviteeQuestionAndAnswer": object(
    "An answer to one of the booking page's custom questions.",
    {
      question: str("The question."),
      answer: str("The invitee's answer."),
      position: { type: "integer", description: "The question's position on the booking form, from 0." },
    },
    ["question", "answer", "position"],
  ),
  "calendly:index:InviteeTracking": object(
    "UTM and Salesforce parameters of the booking.",
    {
      utmCampaign: str("utm_campaign."),
      utmSource: str("utm_source."),
      utmMedium: str("utm_medium."),
      utmContent: str("utm_content."),
      utmTerm: str("utm_term."),
      salesforceUuid: str("The Salesforce record's id."),
    },
    [],
  ),
  "calendly:index:InviteePayment": object(
    "The payment taken at booking.",
    {
      externalId: str("The payment's id at the payment provider."),
      provider: str("`stripe` or `paypal`."),
      amount: { type: "number", description: "The amount paid." },
      currency: str("The currency (ISO 4217)."),
      terms: str("The payment terms shown to the invitee."),
      successful: { type: "boolean", description: "Whether the payment went through." },
    },
    ["externalId", "provider", "amount", "currency", "successful"],
  ),
  "calendly:index:Cancellation": object(
    "Who canceled the meeting, and why.",
    {
      canceledBy: str("The name of who canceled."),
      reason: str("The reason given, if any."),
      cancelerType: str("`host` or `invitee`."),
      createdAt: str("When it was canceled (ISO 8601)."),
    },
    ["canceledBy", "cancelerType"],
  ),
  "calendly:index:InviteeNoShow": object(
    "The invitee was marked as a no-show.",
    { uri: str("The no-show's URI."), createdAt: str("When it was marked (ISO 8601).") },
    ["uri", "createdAt"],
  ),
  "calendly:index:InviteeReconfirmation": object(
    "A reconfirmation asked of the invitee.",
    {
      createdAt: str("When it was asked (ISO 8601)."),
      confirmedAt: str("When the invitee confirmed (ISO 8601), if they did."),
    },
    ["createdAt"],
  ),
};

export function functionSpecs(): Record<string, FunctionSpec> {
  return {
    [GET_CURRENT_USER_TOKEN]: {
      description:
        "The token's user (`GET /users/me`): the user and organization URIs a subscription's `user` and " +
        "`organization` take. Uses the provider's token.",
      outputs: object(
        "The token's user.",
        {
          uri: str("The user's URI (https://api.calendly.com/users/<uuid>)."),
          name: str("The user's name."),
          email: str("The user's email address."),
          currentOrganization: str(
            "The URI of the user's organization (https://api.calendly.com/organizations/<uuid>).",
          ),
          slug: str("The user's scheduling page slug."),
          schedulingUrl: str("The user's scheduling page."),
          timezone: str("The user's time zone (IANA name)."),
        },
        ["uri", "name", "email", "currentOrganization"],
      ),
    },
    [GET_INVITEE_TOKEN]: {
      description:
        "An invitee as it is now (`GET /scheduled_events/{event_uuid}/invitees/{invitee_uuid}`): give its `uri` " +
        "(a delivery's `payload.uri`), or `eventUuid` and `inviteeUuid`. Needs the `scheduled_events:read` scope.",
      inputs: object(
        "Which invitee.",
        {
          uri: str("The invitee's URI (https://api.calendly.com/scheduled_events/<uuid>/invitees/<uuid>)."),
          eventUuid: str("The scheduled event's UUID, with `inviteeUuid`, instead of `uri`."),
          inviteeUuid: str("The invitee's UUID, with `eventUuid`, instead of `uri`."),
        },
        [],
      ),
      outputs: object(
        "The invitee.",
        {
          uri: str("The invitee's URI."),
          email: str("The invitee's email address."),
          name: str("The invitee's name."),
          firstName: str("The first name, when the booking form asks for it separately."),
          lastName: str("The last name, when the booking form asks for it separately."),
          status: str("`active` or `canceled`."),
          questionsAndAnswers: {
            type: "array",
            items: { $ref: "#/types/calendly:index:InviteeQuestionAndAnswer" },
            description: "Answers to the booking page's custom questions.",
          },
          timezone: str("The invitee's time zone (IANA name)."),
          event: str("The scheduled event's URI."),
          createdAt: str("When the invitee booked (ISO 8601)."),
          updatedAt: str("When the invitee last changed (ISO 8601)."),
          tracking: ref("calendly:index:InviteeTracking", "UTM and Salesforce parameters."),
          textReminderNumber: str("The number text reminders go to."),
          rescheduled: {
            type: "boolean",
            description: "Whether the invitee rescheduled (see `newInvitee`).",
          },
          oldInvitee: str("The invitee this booking rescheduled, if any."),
          newInvitee: str("The invitee that replaced this one on rescheduling, if any."),
          cancelUrl: str("The invitee's cancellation link."),
          rescheduleUrl: str("The invitee's rescheduling link."),
          routingFormSubmission: str("The routing form submission that led to the booking, if any."),
          cancellation: ref("calendly:index:Cancellation", "Who canceled and why, once canceled."),
          payment: ref("calendly:index:InviteePayment", "The payment taken, if any."),
          noShow: ref("calendly:index:InviteeNoShow", "The no-show mark, if any."),
          reconfirmation: ref("calendly:index:InviteeReconfirmation", "The reconfirmation, if any."),
          schedulingMethod: str("How the booking was made, if Calendly says."),
          inviteeScheduledBy: str("The URI of the user who booked on the invitee's behalf, if any."),
        },
        [
          "uri",
          "email",
          "name",
          "status",
          "questionsAndAnswers",
          "event",
          "createdAt",
          "updatedAt",
          "rescheduled",
        ],
      ),
    },
    [MARKED_URL_TOKEN]: {
      description:
        "`url` with `?subscription=<name>&v=<marker>` set, the marker a short hash of everything that forces a " +
        "replacement (events, scope, owners, `signingKeyGeneration`; never a key). Give it to a " +
        "WebhookSubscription's `url` with the same events, scope and owners, and every replacement changes the " +
        "URL too, so the new subscription is created before the old one is deleted: no event falls into a gap. " +
        "The receiver must route on the path and ignore the query. Computed by the plugin, no Calendly call; " +
        "the same function as the TypeScript `markedUrl` of pulumi-calendly, so programs in every language mark " +
        "alike.",
      inputs: object(
        "The receiver's URL and what forces a replacement.",
        {
          url: str("The receiver's URL; its other query parameters are kept."),
          name: str("The subscription's name, set as the `subscription` query parameter."),
          events: {
            type: "array",
            items: { type: "string" },
            description: "The subscription's events (order and duplicates do not matter).",
          },
          scope: ref(SCOPE_TOKEN, "The subscription's scope."),
          organization: str("The subscription's organization, as declared (left out when it is defaulted)."),
          user: str("The subscription's user, as declared."),
          group: str("The subscription's group, as declared."),
          signingKeyGeneration: {
            type: "integer",
            description:
              "Raise it by one with each new signing key, to rotate the key gap-free; 1 when left out.",
          },
        },
        ["url", "name", "events", "scope"],
      ),
      outputs: object("The marked URL.", { url: str("The marked URL.") }, ["url"]),
    },
  };
}
