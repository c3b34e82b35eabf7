// A labelled group of checkboxes over a list of names (permissions of a token, roles of a user).

export function CheckboxGroup(props: {
  legend: string;
  options: readonly string[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  /** A tooltip per option (e.g. what a permission allows). */
  help?: Readonly<Record<string, string>>;
}) {
  const { selected, onChange } = props;
  return (
    <fieldset className="access-form__perms">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o} title={props.help?.[o]}>
          <input
            type="checkbox"
            checked={selected.includes(o)}
            onChange={(e) => onChange(e.target.checked ? [...selected, o] : selected.filter((x) => x !== o))}
          />
          {o}
        </label>
      ))}
    </fieldset>
  );
}
