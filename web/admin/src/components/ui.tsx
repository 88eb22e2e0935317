/** Small form pieces every admin panel uses: labelled inputs, buttons, the required reason. */
import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";

export const INPUT =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800 focus:outline-none focus:ring-2 focus:ring-sky-500";

export function Button({ tone = "primary", className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { readonly tone?: "primary" | "secondary" | "danger" }) {
  const colours = {
    primary: "bg-sky-700 text-white hover:bg-sky-800",
    secondary: "border border-slate-300 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800",
    danger: "bg-red-700 text-white hover:bg-red-800",
  }[tone];
  return (
    <button
      type="button"
      {...props}
      className={`rounded px-3 py-1 text-sm focus:outline-none focus:ring-2 focus:ring-sky-500 disabled:opacity-50 ${colours} ${className}`}
    />
  );
}

export function Field({ label, id, children, hint }: { readonly label: string; readonly id: string; readonly children: ReactNode; readonly hint?: string }) {
  return (
    <div className="grid gap-1 text-sm">
      <label htmlFor={id} className="text-slate-600 dark:text-slate-300">
        {label}
      </label>
      {children}
      {hint ? (
        <span id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </span>
      ) : null}
    </div>
  );
}

export function TextInput({ label, id, hint, ...props }: InputHTMLAttributes<HTMLInputElement> & { readonly label: string; readonly id: string; readonly hint?: string }) {
  return (
    <Field label={label} id={id} hint={hint}>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...props} className={`${INPUT} ${props.className ?? ""}`} />
    </Field>
  );
}

export function Select({ label, id, children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { readonly label: string; readonly id: string }) {
  return (
    <Field label={label} id={id}>
      <select id={id} {...props} className={INPUT}>
        {children}
      </select>
    </Field>
  );
}

/** The reason every change needs (stored in the audit log with it). */
export function ReasonInput({ id, value, onChange }: { readonly id: string; readonly value: string; readonly onChange: (value: string) => void }) {
  return (
    <TextInput
      label="Reason (required, kept in the audit log)"
      id={id}
      required
      maxLength={500}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      placeholder="e.g. ticket 4711: customer asked"
    />
  );
}

/** A reason is usable when it has a character that is not white space. */
export function hasReason(reason: string): boolean {
  return reason.trim().length > 0;
}

export function Table({ caption, head, children, testId }: { readonly caption: string; readonly head: readonly string[]; readonly children: ReactNode; readonly testId?: string }) {
  return (
    <div className="overflow-x-auto">
      <table data-testid={testId} className="w-full border-collapse text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-700 dark:text-slate-400">
            {head.map((name) => (
              <th key={name} scope="col" className="px-2 py-1 font-medium">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export const CELL = "px-2 py-1 align-top border-b border-slate-100 dark:border-slate-800";
