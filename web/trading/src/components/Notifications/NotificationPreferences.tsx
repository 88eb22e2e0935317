"use client";
import { gatewayGet, gatewaySend, type Schemas } from "@gridtokenx/shared/api/gateway";
import { ME_KEY } from "@gridtokenx/shared/notifications/queries";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { QueryState } from "@gridtokenx/shared/components/ui/QueryState";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { notificationKindLabel, preferenceChanges, type Preference, type PreferenceChannel } from "@gridtokenx/shared/notifications/kinds";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { errorText } from "../../errorText";

const CHANNELS: readonly { readonly channel: PreferenceChannel; readonly label: string }[] = [
  { channel: "in_app", label: "In the app" },
  { channel: "email", label: "By e-mail" },
];

function PreferencesForm({ saved, accessToken }: { readonly saved: readonly Preference[]; readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const queryClient = useQueryClient();
  const [edited, setEdited] = useState<readonly Preference[]>(saved);
  const changes = preferenceChanges(saved, edited);
  const save = useMutation({
    mutationFn: () =>
      gatewaySend<Schemas["PreferencesPublic"]>("PUT", {
        baseUrl: gatewayUrl,
        path: "/v1/me/notification-preferences",
        accessToken,
        body: { preferences: changes },
      }),
    onSuccess: (answer) => {
      if (answer) {
        queryClient.setQueryData(preferencesKey(gatewayUrl, accessToken), answer);
        setEdited(answer.data);
      }
    },
  });
  const toggle = (kind: Preference["kind"], channel: PreferenceChannel, on: boolean) => {
    save.reset();
    setEdited((current) => current.map((item) => (item.kind === kind ? { ...item, [channel]: on } : item)));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (changes.length > 0) save.mutate();
  };
  return (
    <form onSubmit={submit} data-testid="notification-preferences-form" className="grid gap-3">
      <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col">Kind</th>
            {CHANNELS.map(({ channel, label }) => (
              <th key={channel} scope="col" className="text-center">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {edited.map((item) => (
            <tr key={item.kind} data-testid="preference-row" data-kind={item.kind}>
              <th scope="row" className="py-1 text-left font-normal">
                {notificationKindLabel(item.kind)}
              </th>
              {CHANNELS.map(({ channel, label }) => (
                <td key={channel} className="text-center">
                  <input
                    type="checkbox"
                    data-testid={`preference-${channel}`}
                    aria-label={`${notificationKindLabel(item.kind)}: ${label.toLowerCase()}`}
                    checked={item[channel]}
                    onChange={(event) => toggle(item.kind, channel, event.target.checked)}
                    className="h-4 w-4"
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">E-mail goes only to a verified address.</p>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          data-testid="preferences-save"
          disabled={changes.length === 0 || save.isPending}
          className="rounded bg-sky-700 px-3 py-1 text-sm text-white disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
        >
          {save.isPending ? "Saving…" : "Save preferences"}
        </button>
        <span role="status" data-testid="preferences-status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {save.isSuccess ? "Saved." : ""}
        </span>
      </div>
      {save.isError ? <Notice tone="error">Could not save: {errorText(save.error)}</Notice> : null}
    </form>
  );
}

function preferencesKey(gatewayUrl: string, accessToken: string) {
  return [...ME_KEY, "notification-preferences", gatewayUrl, accessToken] as const;
}

/** Which notification kinds reach me in the app and by e-mail. */
export function NotificationPreferences({ accessToken }: { readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const preferences = useQuery({
    queryKey: preferencesKey(gatewayUrl, accessToken),
    queryFn: () => gatewayGet<Schemas["PreferencesPublic"]>({ baseUrl: gatewayUrl, path: "/v1/me/notification-preferences", accessToken }),
    // Edits in progress are not replaced by a live refetch (the bell invalidates /v1/me).
    staleTime: Infinity,
  });
  return (
    <Card title="Notification preferences" testId="notification-preferences">
      <QueryState query={preferences} what="preferences" describeError={errorText}>
        {(data) => <PreferencesForm saved={data.data} accessToken={accessToken} />}
      </QueryState>
    </Card>
  );
}
