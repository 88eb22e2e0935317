"use client";
import { GatewayError, gatewayPost, type Schemas } from "@gridtokenx/shared/api/gateway";
import { generateDeviceKey, type DeviceKey, type MeterRequestBody } from "@gridtokenx/shared/energy/meterRequest";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useCallback } from "react";

import { useSignPrepared } from "../../hooks/useWalletTransaction";

export type Registration = Schemas["MeterRegistrationPublic"];
type PreparedStep = Schemas["PreparedStep"];

const MINE = "/v1/me/meter-registrations";

export interface Started {
  readonly registration: Registration;
  /** Generated in this browser when the form left the device key blank: shown once. */
  readonly deviceKey: DeviceKey | null;
}

/**
 * The owner's side of a meter registration (see the gateway's registration routes): create the
 * request, the wallet signs the setup transaction (it creates the request's durable-nonce
 * account), the gateway relays it and prepares the registration transaction, the wallet signs
 * that, and the gateway queues it for an operator's co-signature. `start` reports the created
 * request before the wallet is asked, so a refused signature leaves a request that `resume`
 * finishes.
 */
export function useMeterRegistration(accessToken: string | null) {
  const { gatewayUrl } = useRuntimeConfig();
  const signPrepared = useSignPrepared();

  const post = useCallback(
    <T,>(path: string, body?: unknown) => {
      if (!accessToken) throw new GatewayError(401, "unauthenticated", "Sign in with your wallet first.", {});
      return gatewayPost<T>({ baseUrl: gatewayUrl, path, body, accessToken });
    },
    [accessToken, gatewayUrl],
  );

  /** Registration transaction prepared → signed by the wallet → stored for the operators. */
  const signRegistration = useCallback(
    async (id: string, step: PreparedStep): Promise<Registration> =>
      post<Registration>(`${MINE}/${id}/sign`, { transaction: await signPrepared(step.transaction) }),
    [post, signPrepared],
  );

  /** The setup transaction signed and relayed (the gateway waits until it landed). */
  const setUp = useCallback(
    async (id: string, setup: PreparedStep): Promise<Registration> => {
      const step = await post<PreparedStep>(`${MINE}/${id}/setup`, { transaction: await signPrepared(setup.transaction) });
      return signRegistration(id, step);
    },
    [post, signPrepared, signRegistration],
  );

  const start = useCallback(
    async (body: MeterRequestBody, created: (started: Started) => void): Promise<Registration> => {
      const deviceKey = body.device_pubkey === null ? generateDeviceKey() : null;
      const setup = await post<PreparedStep>(MINE, {
        device_pubkey: deviceKey?.publicKey ?? body.device_pubkey,
        kind: body.kind,
        zone_id: body.zone_id,
        max_export_w: body.max_export_w,
        max_import_w: body.max_import_w,
      });
      created({ registration: setup.registration, deviceKey });
      return setUp(setup.registration.id, setup);
    },
    [post, setUp],
  );

  /** Finish a request the owner still has to sign (awaiting_nonce or awaiting_owner). */
  const resume = useCallback(
    async (registration: Registration): Promise<Registration> => {
      const id = registration.id;
      try {
        return await signRegistration(id, await post<PreparedStep>(`${MINE}/${id}/registration-transaction`));
      } catch (error) {
        // The setup never landed (its blockhash may have expired): a new one on a new nonce account.
        if (!(error instanceof GatewayError && error.code === "meter_registration_nonce_missing")) throw error;
        return setUp(id, await post<PreparedStep>(`${MINE}/${id}/setup-transaction`));
      }
    },
    [post, setUp, signRegistration],
  );

  return { start, resume };
}
