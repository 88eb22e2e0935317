import type { DeviceKey } from "../../energy/meterRequest";

/**
 * A device key generated in this browser, shown once: the secret goes into the meter (it signs
 * its readings with it) and is kept nowhere else — not in storage, not on the gateway.
 */
export function DeviceKeyNotice({ deviceKey, onDismiss }: { readonly deviceKey: DeviceKey; readonly onDismiss: () => void }) {
  return (
    <div
      role="alert"
      data-testid="meter-request-device-secret"
      data-public-key={deviceKey.publicKey}
      data-secret-key={deviceKey.secretKey}
      className="grid gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50"
    >
      <p className="font-medium">Save the device key now: it is shown only this once.</p>
      <p>Put the secret key into the meter; it signs every reading with it. Anyone holding it can send readings as this meter.</p>
      <dl className="grid grid-cols-1 gap-1 sm:grid-cols-[auto_1fr] sm:gap-x-3">
        <dt className="text-xs uppercase">Public key</dt>
        <dd className="font-mono text-xs break-all">{deviceKey.publicKey}</dd>
        <dt className="text-xs uppercase">Secret key (base58, 64 bytes)</dt>
        <dd className="font-mono text-xs break-all select-all">{deviceKey.secretKey}</dd>
      </dl>
      <button
        type="button"
        data-testid="meter-request-secret-dismiss"
        onClick={onDismiss}
        className="w-fit rounded border border-amber-400 px-3 py-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-amber-600"
      >
        I have saved the device key
      </button>
    </div>
  );
}
