// The console's texts for an account's graded state (issue 17): the administrator's reason shown
// with the state, and the form with which an administrator changes it.
import type { Entry } from "../entry.ts";

export const ACCOUNT_STATE_MESSAGES = {
  "accountState.reason": { en: "Reason for the state", ja: "状態の理由" },
  "accountState.since": { en: "In this state since", ja: "この状態になった日時" },
  "accountState.title": { en: "Change the account's state", ja: "口座の状態を変更" },
  "accountState.intro": {
    en: "Restricted: trading stops, surrender and returns of allocation go on. Suspended: only administrators act. Give the reason; the account shows it.",
    ja: "一部取引制限：取引は停止し、償却と割当の返還は可能。停止：管理者のみ操作可能。理由を入力してください。口座に表示されます。",
  },
  "accountState.state": { en: "New state", ja: "新しい状態" },
  "accountState.reasonField": { en: "Reason", ja: "理由" },
  "accountState.submit": { en: "Change the state", ja: "状態を変更" },
  "accountState.done": { en: "The account is now {state}.", ja: "口座は「{state}」になりました。" },
} as const satisfies Record<string, Entry>;
