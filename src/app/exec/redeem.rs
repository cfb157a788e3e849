//! The Redeem panel's commands: decrypt, code/get, mark, consume. Consume is a write: sent
//! once per click, never retried.

use std::sync::Arc;

use super::super::events::{Event, RedeemEvent, UiError};
use super::super::io::Io;
use super::design::fetch_card;
use super::{Backend, api_error};
use crate::api::ApiClient;
use crate::api::ApiError;
use crate::i18n::T;
use crate::message::{CodeLookup, ConsumeDone, ErrorKind};
use crate::redeem::{CodeInput, consume_surely_failed};
use crate::ui::redeem::Command;

fn redeem(e: RedeemEvent) -> Event {
    Event::Redeem(e)
}

fn share_self_num(card: Option<&crate::api::CardDetails>) -> i64 {
    card.and_then(|c| c.body.card.advanced_info())
        .and_then(|a| a.consume_share_self_num.as_ref())
        .and_then(crate::card::Int::get)
        .unwrap_or(0)
}

/// A consume error; when the code may have been used anyway, it says so (the panel queries
/// the code again at once, and nothing is re-sent).
fn consume_error(e: &ApiError) -> UiError {
    let plain = api_error(e);
    if consume_surely_failed(e) {
        return plain;
    }
    UiError::both(
        format!(
            "{}{}",
            T::ConsumeUnknown.zh(),
            plain.text(crate::i18n::Lang::Zh)
        ),
        format!(
            "{}{}",
            T::ConsumeUnknown.en(),
            plain.text(crate::i18n::Lang::En)
        ),
    )
    .kind_of(ErrorKind::Uncertain)
}

async fn lookup(
    client: &ApiClient,
    input: CodeInput,
    check_consume: bool,
) -> Result<CodeLookup, UiError> {
    let (code, decrypted_from) = match input {
        CodeInput::Code(c) => (c, None),
        CodeInput::Encrypted(e) => {
            let code = client
                .decrypt_code(&CodeInput::post_value(&e))
                .await
                .map_err(|err| api_error(&err))?;
            (code, Some(e))
        }
    };
    let info = client
        .get_code(None, &code, check_consume)
        .await
        .map_err(|e| api_error(&e))?;
    // The card adds its title and gift-back setting; the code's status stands without it.
    let card = fetch_card(client, &info.card.card_id).await.ok();
    Ok(CodeLookup {
        code,
        decrypted_from,
        info,
        card,
    })
}

/// Runs one Redeem command.
pub fn run(cmd: Command, io: &Io, backend: &Arc<Backend>) {
    let client = backend.client.clone();
    match cmd {
        Command::Lookup {
            input,
            check_consume,
        } => io.spawn(async move {
            redeem(RedeemEvent::Looked(
                lookup(&client, input, check_consume).await.map(Box::new),
            ))
        }),
        Command::Mark {
            code,
            card_id,
            openid,
            mark,
        } => io.spawn(async move {
            let result = client
                .mark_code(&code, &card_id, &openid, mark)
                .await
                .map_err(|e| api_error(&e));
            redeem(RedeemEvent::Marked {
                mark,
                openid,
                result,
            })
        }),
        Command::Consume {
            code,
            card_id,
            openid,
        } => io.spawn(async move {
            let before = fetch_card(&client, &card_id).await.ok();
            let consumed = match &openid {
                Some(o) => client.consume_code_online(&code, o).await,
                None => client.consume_code(&code).await,
            };
            let result = match consumed {
                Ok((card_id, openid)) => {
                    let after = fetch_card(&client, &card_id).await.ok();
                    Ok(ConsumeDone {
                        code,
                        share_self_num: share_self_num(before.as_ref()),
                        stock: (
                            before.and_then(|c| c.quantity),
                            after.and_then(|c| c.quantity),
                        ),
                        card_id,
                        openid,
                    })
                }
                Err(e) => Err(consume_error(&e)),
            };
            redeem(RedeemEvent::Consumed(result))
        }),
    }
}
