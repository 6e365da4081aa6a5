// Event records in the JSON shapes Windows logs are commonly exported in,
// mapped to the flat field object the rules read (Sigma rules
// specification, "Field Usage": EventData `<Data Name="X">` → `X`; a System
// element's attribute → `Element_Attribute`, e.g. `Provider_Name`,
// `Execution_ProcessID`). Shapes understood:
//   - already flat (`EventID` at the top, as OTRF / nxlog JSON) — copied as is;
//   - evtx → JSON (`{ Event: { System, EventData | UserData } }`, `#attributes`/`#text`
//     as evtx_dump writes them; EventData as named fields or as a `Data` list);
//   - the same without the `Event` wrapper (`{ System, EventData }`);
//   - Winlogbeat / ECS (`{ winlog: { event_id, channel, provider_name, computer_name, event_data } }`).
// EventData fields win over System fields of the same name.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An XML-JSON element's value: its `#text` when it has one, else itself. */
function textOf(v: unknown): unknown {
  return isObj(v) && Object.hasOwn(v, '#text') ? v['#text'] : v;
}

function flattenSystem(system: Obj, out: Obj): void {
  for (const [k, v] of Object.entries(system)) {
    if (!isObj(v)) {
      out[k] = v;
      continue;
    }
    if (Object.hasOwn(v, '#text')) out[k] = v['#text'];
    const attrs = v['#attributes'];
    if (isObj(attrs)) for (const [a, av] of Object.entries(attrs)) out[`${k}_${a}`] = av;
  }
}

function dataName(item: Obj): string | undefined {
  const attrs = item['#attributes'];
  const name = isObj(attrs) ? attrs['Name'] : item['@Name'] ?? item['Name'];
  return typeof name === 'string' ? name : undefined;
}

function flattenData(data: Obj, out: Obj): void {
  for (const [k, v] of Object.entries(data)) {
    if (k === '#attributes' || k === 'xmlns') continue;
    if (k === 'Data' && (Array.isArray(v) || (isObj(v) && dataName(v) !== undefined))) {
      const items = Array.isArray(v) ? v : [v];
      const unnamed: unknown[] = [];
      for (const item of items) {
        const name = isObj(item) ? dataName(item) : undefined;
        if (name !== undefined) out[name] = textOf(item) === item ? '' : textOf(item); // <Data Name="X"/> is empty text
        else unnamed.push(textOf(item));
      }
      if (unnamed.length > 0) out['Data'] = unnamed.length === 1 ? unnamed[0] : unnamed;
      continue;
    }
    out[k] = textOf(v);
  }
}

function flattenXmlJson(ev: Obj): Obj {
  const out: Obj = {};
  if (isObj(ev['System'])) flattenSystem(ev['System'], out);
  if (isObj(ev['EventData'])) flattenData(ev['EventData'], out);
  if (isObj(ev['UserData'])) {
    // UserData holds one provider-defined element whose children are the fields.
    for (const inner of Object.values(ev['UserData'])) if (isObj(inner)) flattenData(inner, out);
  }
  return out;
}

function flattenWinlog(top: Obj, w: Obj): Obj {
  const out: Obj = {};
  const copy = (from: string, to: string): void => {
    if (Object.hasOwn(w, from)) out[to] = w[from];
  };
  copy('event_id', 'EventID');
  copy('channel', 'Channel');
  copy('provider_name', 'Provider_Name');
  copy('computer_name', 'Computer');
  copy('record_id', 'EventRecordID');
  if (isObj(w['user_data'])) flattenData(w['user_data'], out);
  if (isObj(w['event_data'])) flattenData(w['event_data'], out);
  if (!Object.hasOwn(out, 'EventID') && isObj(top['event']) && Object.hasOwn(top['event'], 'code')) out['EventID'] = top['event']['code'];
  return out;
}

/** The flat Sysmon/Windows field object of one exported event record. */
export function flattenEvent(record: unknown): Record<string, unknown> {
  if (!isObj(record)) throw new TypeError('record must be an object (one exported event)');
  if (isObj(record['Event']) && (isObj(record['Event']['System']) || isObj(record['Event']['EventData']))) return flattenXmlJson(record['Event']);
  if (!Object.hasOwn(record, 'EventID') && isObj(record['System'])) return flattenXmlJson(record);
  if (!Object.hasOwn(record, 'EventID') && isObj(record['winlog'])) return flattenWinlog(record, record['winlog']);
  return { ...record };
}
