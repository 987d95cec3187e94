// Administrators' forms, made quicker; each works the same without this file (the server adds
// the units of an institution ticked whole, follows the "same units" link, and ignores the
// fields a role does not use).
"use strict";

// The unit picker of a cycle: "every unit of this institution" ticks its units, and unticking
// one of them unticks the whole-institution box (which would otherwise add it back).
const initUnitPicker = (group) => {
  const whole = group.querySelector("input[data-select-all]");
  const units = [...group.querySelectorAll("ul input[type=checkbox]")];
  if (!whole) return;
  const sync = () => {
    const ticked = units.filter((box) => box.checked).length;
    whole.checked = ticked === units.length && units.length > 0;
    whole.indeterminate = ticked > 0 && ticked < units.length;
  };
  whole.addEventListener("change", () => {
    for (const box of units) box.checked = whole.checked;
    whole.indeterminate = false;
  });
  for (const box of units) box.addEventListener("change", sync);
  if (whole.checked) {
    for (const box of units) box.checked = true;
  }
  sync();
};

// "Same units as the last cycle": tick exactly those units here instead of reloading the page
// (which would lose what was typed in the other fields).
const initSameUnits = (link) => {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const wanted = new Set(link.dataset.checkUnits.split(" "));
    const picker = link.closest(".unit-picker");
    for (const box of picker.querySelectorAll("ul input[type=checkbox]")) {
      box.checked = wanted.has(box.value);
      box.dispatchEvent(new Event("change"));
    }
  });
};

// "Give a role": show only the fields of the chosen role. Hidden fields are also disabled, so
// a value picked before the role changed is not sent.
const initRoleFields = (select) => {
  const form = select.form;
  const fields = [...form.querySelectorAll("[data-for-roles]")];
  const show = () => {
    for (const field of fields) {
      const roles = field.dataset.forRoles.split(/\s+/).filter(Boolean);
      const used = roles.includes(select.value);
      field.hidden = !used;
      for (const input of field.querySelectorAll("select, input")) input.disabled = !used;
    }
  };
  select.addEventListener("change", show);
  show();
};

document.addEventListener("DOMContentLoaded", () => {
  for (const group of document.querySelectorAll("[data-unit-group]")) initUnitPicker(group);
  for (const link of document.querySelectorAll("a[data-check-units]")) initSameUnits(link);
  for (const select of document.querySelectorAll("select[data-role-select]")) {
    initRoleFields(select);
  }
});
