// Text input with an optional leading icon and a clear button once it holds text.
import type { InputHTMLAttributes } from 'react';
import { Icon, type IconName } from './Icon.tsx';
import './TextInput.css';

export interface TextInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  value: string;
  onChange: (value: string) => void;
  icon?: IconName;
  label: string;
}

export function TextInput({ value, onChange, icon, label, className, onKeyDown, ...rest }: TextInputProps) {
  return (
    <div className={`text-input ${icon ? 'text-input--icon' : ''} ${className ?? ''}`}>
      {icon && <Icon name={icon} className="text-input__icon" />}
      <input
        className="text-input__field"
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && value) onChange('');
          onKeyDown?.(e);
        }}
        {...rest}
      />
      {value && (
        <button type="button" className="text-input__clear" aria-label="Clear" onClick={() => onChange('')}>
          <Icon name="close" size={14} />
        </button>
      )}
    </div>
  );
}
