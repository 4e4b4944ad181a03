// Accessibility repairs of Dash's dropdown (the page passes axe-core's WCAG 2.1 A/AA rules):
// - its invisible focus proxy sits in the tab order (it hands the focus on to the dropdown's
//   button) but is marked aria-hidden: name it after the dropdown's label instead;
// - its open list is a "listbox" of "option" labels wrapping the real radio buttons or check
//   boxes (interactive inside interactive): leave the native inputs to speak for themselves,
//   in a group named after the dropdown.
(function () {
  function labelIds(input) {
    var group = input.closest("[role=group][aria-labelledby]");
    var button = input.parentElement && input.parentElement.querySelector("button");
    var names = [];
    if (group) { names.push(group.getAttribute("aria-labelledby")); }
    if (button && button.getAttribute("aria-labelledby")) {
      names.push(button.getAttribute("aria-labelledby"));
    }
    return names.join(" ");
  }
  function fix(root) {
    root.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(function (input) {
      input.removeAttribute("aria-hidden");
      var names = labelIds(input);
      if (names) { input.setAttribute("aria-labelledby", names); }
    });
    root.querySelectorAll(".dash-options-list[role=listbox]").forEach(function (list) {
      list.setAttribute("role", "group");
      var content = list.closest(".dash-dropdown-content");
      var trigger = content && document.querySelector("[aria-controls='" + content.id + "']");
      var proxy = trigger && trigger.parentElement.querySelector(".dash-dropdown-focus-target");
      var names = proxy && proxy.getAttribute("aria-labelledby");
      if (names) { list.setAttribute("aria-labelledby", names); }
    });
    root.querySelectorAll(".dash-options-list-option[role=option]").forEach(function (option) {
      option.removeAttribute("role");
      option.removeAttribute("aria-selected");
    });
  }
  new MutationObserver(function () { fix(document); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
