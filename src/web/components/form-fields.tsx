/**
 * @module The labelled form controls the pages share: a text box (or date, or password), a
 * select, a checkbox, and an action with its Cancel. Each control is given its value and told the
 * new one; a hint under the label is read with the control.
 */
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

/** A control's id (its label points at it), its value, and what to tell when it changes. */
interface Bound<V> {
  readonly id: string;
  readonly value: V;
  readonly onChange: (value: V) => void;
}

/** How a field is labelled, and whether it is in error. */
interface Labelled {
  readonly label: ReactNode;
  /** Shown under the label, with the id `{id}-hint`, and read with the control. */
  readonly hint?: string | undefined;
  /** Present: the control is marked valid or invalid; true also draws the field in error. */
  readonly invalid?: boolean | undefined;
}

type Attributes<A> = Omit<A, 'id' | 'value' | 'onChange' | 'children' | 'aria-invalid'>;

export type TextFieldProps = Bound<string> &
  Labelled &
  Attributes<InputHTMLAttributes<HTMLInputElement>>;

/** A labelled `<input>`: text, date, password, whatever `type` says. */
export function TextField({ id, value, onChange, label, hint, invalid, ...input }: TextFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} invalid={invalid}>
      <input
        id={id}
        {...input}
        {...marks(id, hint, invalid)}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    </Field>
  );
}

export type SelectFieldProps = Bound<string> &
  Labelled &
  Attributes<SelectHTMLAttributes<HTMLSelectElement>> & {
    /** The `<option>`s. */
    readonly children: ReactNode;
  };

/** A labelled `<select>` of the options given as children. */
export function SelectField({
  id,
  value,
  onChange,
  label,
  hint,
  invalid,
  children,
  ...select
}: SelectFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} invalid={invalid}>
      <select
        id={id}
        {...select}
        {...marks(id, hint, invalid)}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        {children}
      </select>
    </Field>
  );
}

export interface CheckboxProps {
  readonly id: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  /** The label, after the box. */
  readonly children: ReactNode;
}

/** A checkbox with its label beside it. */
export function Checkbox({ id, checked, onChange, children }: CheckboxProps) {
  return (
    <div className="checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => {
          onChange(event.target.checked);
        }}
      />
      <label htmlFor={id}>{children}</label>
    </div>
  );
}

export interface ActionOrCancelProps {
  /** The row's class: each place lays its row out its own way. */
  readonly className: string;
  /** The action's words. */
  readonly action: string;
  /** Absent: the action submits its form. */
  readonly onAction?: (() => void) | undefined;
  /** Drawn as a warning: an emergency, an objection, a withdrawal. */
  readonly warning?: boolean | undefined;
  /** The action waits (its call is under way). */
  readonly disabled?: boolean | undefined;
  /** The cancel button's words ("Cancel"). */
  readonly cancel?: string | undefined;
  readonly onCancel: () => void;
}

/** An action and, beside it, the button that cancels it. */
export function ActionOrCancel({
  className,
  action,
  onAction,
  warning = false,
  disabled,
  cancel = 'Cancel',
  onCancel,
}: ActionOrCancelProps) {
  return (
    <div className={className}>
      <button
        type={onAction === undefined ? 'submit' : 'button'}
        className={warning ? 'button button--warning' : 'button'}
        disabled={disabled}
        onClick={onAction}
      >
        {action}
      </button>
      <button type="button" className="button button--secondary" onClick={onCancel}>
        {cancel}
      </button>
    </div>
  );
}

function Field({
  id,
  label,
  hint,
  invalid,
  children,
}: Labelled & { id: string; children: ReactNode }) {
  return (
    <div className={invalid === true ? 'field field--error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint !== undefined && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
    </div>
  );
}

/** The control's hint, and whether it is invalid, as assistive technology reads them. */
function marks(id: string, hint: string | undefined, invalid: boolean | undefined) {
  return {
    ...(hint === undefined ? {} : { 'aria-describedby': `${id}-hint` }),
    ...(invalid === undefined ? {} : { 'aria-invalid': invalid }),
  };
}

/** How a box for a code or a name typed exactly behaves: no autocomplete, no spell check. */
export const IDENTIFIER_INPUT = { autoComplete: 'off', spellCheck: false } as const;

/** How a box for an NHS number behaves: an identifier, typed on the digit keypad. */
export const NHS_NUMBER_INPUT = {
  ...IDENTIFIER_INPUT,
  className: 'input--nhs-number',
  inputMode: 'numeric',
} as const;
