/**
 * zod schemas of Calendly's responses: strict on the fields this project uses, tolerant of every
 * extra key (Calendly adds fields over time; API.md: "Accept unknown extra keys everywhere").
 *
 * Built by a function, not held at module scope: the provider's serialized code may reference
 * this module, and Pulumi's serializer cannot capture zod instances (DYNAMIC-PROVIDERS.md).
 */
import { z } from "zod";

export function calendlySchemas() {
  const uri = z.string().min(1);
  const time = z.string().min(1);
  const scope = z.enum(["organization", "user", "group"]);

  const user = z.object({
    uri,
    name: z.string(),
    email: z.string(),
    current_organization: uri,
    slug: z.string().optional(),
    scheduling_url: z.string().optional(),
    timezone: z.string().optional(),
    avatar_url: z.string().nullable().optional(),
    created_at: time.optional(),
    updated_at: time.optional(),
  });

  const subscription = z.object({
    uri,
    callback_url: z.string().min(1),
    created_at: time,
    updated_at: time,
    retry_started_at: time.nullable(),
    state: z.enum(["active", "disabled"]),
    events: z.array(z.string()),
    scope,
    organization: uri,
    user: uri.nullable(),
    group: uri.nullable(),
    creator: uri.nullable(),
  });

  const pagination = z.object({
    count: z.number().int().nonnegative().optional(),
    next_page: z.string().nullable().optional(),
    previous_page: z.string().nullable().optional(),
    next_page_token: z.string().nullable(),
    previous_page_token: z.string().nullable().optional(),
  });

  const envelope = z.object({
    event: z.string().min(1),
    created_at: time,
    created_by: z.string(),
    payload: z.record(z.string(), z.unknown()),
  });

  /** Error bodies are read leniently: a proxy's HTML 502 must still become a CalendlyApiError. */
  const errorBody = z.object({
    title: z.string().optional(),
    message: z.string().optional(),
    details: z
      .array(
        z.object({
          parameter: z.string().optional(),
          message: z.string().catch(""),
          code: z.string().optional(),
        }),
      )
      .optional()
      .catch(undefined),
    required_scopes: z.array(z.string()).optional().catch(undefined),
  });

  return {
    user,
    userResource: z.object({ resource: user }),
    subscription,
    subscriptionResource: z.object({ resource: subscription }),
    subscriptionPage: z.object({ collection: z.array(subscription), pagination }),
    envelope,
    errorBody,
  };
}

export type CalendlySchemas = ReturnType<typeof calendlySchemas>;
export type RawWebhookSubscription = z.infer<CalendlySchemas["subscription"]>;
export type RawUser = z.infer<CalendlySchemas["user"]>;
