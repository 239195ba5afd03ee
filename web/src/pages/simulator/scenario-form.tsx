// Choosing a scenario for the simulator: an example of the server or an uploaded file (read in
// the browser, at most 48 KB), and the overrides of the cap, the price ceiling and the floor.
import { type ChangeEvent, type FormEvent, useEffect, useId, useState } from "react";
import type { MessageKey } from "../../../../src/i18n/index.ts";
import type { AnalysisOptions, PriceOverride, SimulationRequest } from "../../api/types.ts";
import { Select } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";

const MAX_TEXT = 48 * 1024;

/** Choose a scenario and its overrides; gives the request to `onSubmit` (or to `onChange`, when the form is one half of a comparison). */
export function ScenarioForm(props: { o: AnalysisOptions; submitLabel?: MessageKey; onSubmit?: (r: SimulationRequest) => void; onChange?: (r: SimulationRequest | null) => void; busy?: boolean; legend?: MessageKey; initial?: string }) {
  const { t } = useT();
  const id = useId();
  const [source, setSource] = useState<"example" | "upload">("example");
  const [preset, setPreset] = useState(props.initial ?? props.o.scenarios.find((s) => s.id === "collar")?.id ?? props.o.scenarios[0]?.id ?? "");
  const [upload, setUpload] = useState<{ text: string; format: "yaml" | "json"; name: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [capPct, setCapPct] = useState(100);
  const [ceiling, setCeiling] = useState<PriceChoice>({ kind: "keep", value: "" });
  const [floor, setFloor] = useState<PriceChoice>({ kind: "keep", value: "" });

  const request = (over: Partial<{ source: string; preset: string; upload: typeof upload; capPct: number; ceiling: PriceChoice; floor: PriceChoice }> = {}): SimulationRequest | null => {
    const s = { source, preset, upload, capPct, ceiling, floor, ...over };
    const overrides = { capFactor: s.capPct / 100, priceCeiling: priceOverride(s.ceiling), priceFloor: priceOverride(s.floor) };
    if (s.source === "example") return s.preset ? { preset: s.preset, overrides } : null;
    return s.upload ? { text: s.upload.text, format: s.upload.format, name: s.upload.name, overrides } : null;
  };
  const changed = (over: Parameters<typeof request>[0]) => props.onChange?.(request(over));

  async function readFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    setFileError(null);
    if (!file) return;
    if (file.size > MAX_TEXT) {
      setFileError(t("sim.fileTooLarge"));
      setUpload(null);
      changed({ upload: null });
      return;
    }
    const u = { text: await file.text(), format: file.name.toLowerCase().endsWith(".json") ? ("json" as const) : ("yaml" as const), name: file.name.replace(/\.(ya?ml|json)$/i, "").slice(0, 100) || "uploaded" };
    setUpload(u);
    changed({ upload: u });
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = request();
    if (r) props.onSubmit?.(r);
  };
  // A comparison reads both forms' requests: tell it this one's before any change.
  const { onChange } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, with the initial choice
  useEffect(() => onChange?.(request()), []);

  const body = (
    <>
      <fieldset>
        <legend>{t("sim.source")}</legend>
        <div className="field">
          <label>
            <input type="radio" name={`${id}-source`} checked={source === "example"} onChange={() => { setSource("example"); changed({ source: "example" }); }} /> {t("sim.example")}
          </label>
          {source === "example" ? (
            <Select label="sim.source" value={preset} onChange={(e) => { setPreset(e.target.value); changed({ preset: e.target.value }); }}>
              {props.o.scenarios.map((s) => (
                <option key={s.id} value={s.id} translate="no">
                  {s.name}
                </option>
              ))}
            </Select>
          ) : null}
        </div>
        <div className="field">
          <label>
            <input type="radio" name={`${id}-source`} checked={source === "upload"} onChange={() => { setSource("upload"); changed({ source: "upload" }); }} /> {t("sim.upload")}
          </label>
          {source === "upload" ? (
            <>
              <label htmlFor={`${id}-file`} className="hint">
                {t("sim.uploadHint")}
              </label>
              <input id={`${id}-file`} type="file" accept=".yaml,.yml,.json,application/json,text/yaml" onChange={(e) => void readFile(e)} aria-describedby={fileError ? `${id}-file-error` : undefined} />
              {fileError ? <span id={`${id}-file-error`} className="field-error">{fileError}</span> : null}
            </>
          ) : null}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("sim.controls")}</legend>
        <div className="field">
          <label htmlFor={`${id}-cap`}>{t("sim.capFactor", { pct: `${capPct}%` })}</label>
          <span id={`${id}-cap-hint`} className="hint">
            {t("sim.capFactorHint")}
          </span>
          <input id={`${id}-cap`} type="range" min={50} max={150} step={5} value={capPct} aria-describedby={`${id}-cap-hint`} aria-valuetext={`${capPct}%`} onChange={(e) => { setCapPct(Number(e.target.value)); changed({ capPct: Number(e.target.value) }); }} />
        </div>
        <PriceControl what="sim.ceiling" value={ceiling} onChange={(v) => { setCeiling(v); changed({ ceiling: v }); }} />
        <PriceControl what="sim.floor" value={floor} onChange={(v) => { setFloor(v); changed({ floor: v }); }} />
      </fieldset>
      {props.submitLabel ? (
        <button type="submit" className="primary" disabled={props.busy || request() === null}>
          {t(props.submitLabel)}
        </button>
      ) : null}
    </>
  );
  return (
    <form onSubmit={submit} className="scenario-form">
      {props.legend ? (
        <fieldset>
          <legend>{t(props.legend)}</legend>
          {body}
        </fieldset>
      ) : (
        body
      )}
    </form>
  );
}

interface PriceChoice {
  kind: "keep" | "none" | "value";
  value: string;
}

function priceOverride(c: PriceChoice): PriceOverride {
  const v = Number(c.value);
  if (c.kind === "value" && c.value.trim() !== "" && Number.isFinite(v) && v >= 0) return { kind: "value", value: v };
  return { kind: c.kind === "none" ? "none" : "keep" };
}

function PriceControl(props: { what: MessageKey; value: PriceChoice; onChange: (v: PriceChoice) => void }) {
  const { t } = useT();
  const id = useId();
  const v = props.value;
  return (
    <fieldset className="price">
      <legend>{t(props.what)}</legend>
      {(["keep", "none", "value"] as const).map((k) => (
        <label key={k}>
          <input type="radio" name={id} checked={v.kind === k} onChange={() => props.onChange({ ...v, kind: k })} /> {t(k === "keep" ? "sim.keep" : k === "none" ? "sim.none" : "sim.value")}
        </label>
      ))}
      {v.kind === "value" ? (
        <>
          {" "}
          <input type="number" min={0} step="any" aria-label={t("sim.priceValue", { what: t(props.what) })} value={v.value} onChange={(e) => props.onChange({ ...v, value: e.target.value })} />
        </>
      ) : null}
    </fieldset>
  );
}

